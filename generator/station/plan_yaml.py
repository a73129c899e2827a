"""Change a few values of a YAML file in its own text: comments, order and layout stay as written.

The settings form edits some values of campaign.yaml; dumping the loaded mapping again would drop
the clerk's comments and reflow the rest. Each change is spliced into the text where its node is
(yaml.compose gives every node's position); a key the file lacks is added to its mapping; the
`rules` block is replaced line for line.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

KeyPath = tuple[str, ...]
Tree = dict[str, "Tree | str"]
NULL_TAG = "tag:yaml.org,2002:null"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")
LIST_SEPARATORS = re.compile(r"[,，;；\n]+")


class UnsplicableError(ValueError):
    """The file's shape leaves no place for a value (a list or text where a mapping should be)."""


@dataclass(frozen=True, slots=True)
class Block:
    """The indented lines under a top-level key (`rules:`), by character offsets and line."""

    start: int
    end: int
    first_line: int  # 1-based line of the block's first line
    indent: int
    text: str  # dedented, as the form shows it


def yaml_value(kind: str, typed: str) -> str:
    """Return the YAML text for what the clerk typed: numbers and ISO dates plain, so the loader
    reads them as such; anything else as text, for the loader to judge (须为整数, 日期无效)."""
    typed = typed.strip()
    if not typed:
        return "[]" if kind == "list" else "null"
    if kind in ("int", "count") and WHOLE_NUMBER.fullmatch(typed):
        return str(int(typed))  # "015" would be octal in YAML 1.1
    if kind == "date" and ISO_DATE.fullmatch(typed):
        return typed
    if kind == "list":
        items = (item.strip() for item in LIST_SEPARATORS.split(typed))
        return "[" + ", ".join(yaml_text(item) for item in items if item) + "]"
    return yaml_text(typed)


def yaml_text(text: str) -> str:
    """Return text as a YAML scalar: plain where it reads back as itself in both block and flow
    mappings, else double-quoted (JSON's escapes are YAML's)."""
    if "#" not in text and "\n" not in text:
        try:
            if all(
                yaml.safe_load(wrapped.format(text)) == {"k": text}
                for wrapped in ("k: {}", "{{k: {}}}")
            ):
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def set_values(text: str, changes: Mapping[KeyPath, str], rules: str | None = None) -> str:
    """Return the text with each path's value replaced by the given YAML text (added where
    missing) and, when given, the `rules` block replaced by `rules` (dedented YAML)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        raise UnsplicableError("the file is not a mapping")
    splices: list[tuple[int, int, str]] = []
    missing: dict[int, tuple[Node, Tree]] = {}
    for path, value in changes.items():
        node, rest = _deepest(root, path)
        if rest:
            _add(missing.setdefault(id(node), (node, {}))[1], rest, value)
        else:
            splices.append(_replace(node, value))
    for node, tree in missing.values():
        splices.append(_append(text, tree) if node is root else _insert(node, tree))
    if rules is not None:
        block = rules_block(text)
        if block is None:
            raise UnsplicableError("rules is not an indented block")
        replaced = textwrap.indent(textwrap.dedent(rules).strip("\n") + "\n", " " * block.indent)
        splices.append((block.start, block.end, replaced))
    for start, end, new in sorted(splices, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def rules_block(text: str, key: str = "rules") -> Block | None:
    """Return the indented block under a top-level key, or None when it is not written as one
    (or the text is not YAML at all: its loader says where)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    found = _child(root, key) if isinstance(root, MappingNode) else None
    if found is None:
        return None
    key_node, value = found
    if not isinstance(value, MappingNode) or value.flow_style or key_node.start_mark.column:
        return None
    lines = text.splitlines(keepends=True)
    first = end = key_node.start_mark.line + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    while end > first and not lines[end - 1].strip():
        end -= 1
    body = lines[first:end]
    indent = min(len(line) - len(line.lstrip(" ")) for line in body if line.strip())
    start = sum(map(len, lines[:first]))
    return Block(
        start, start + sum(map(len, body)), first + 1, indent, textwrap.dedent("".join(body))
    )


def _child(node: MappingNode, key: str) -> tuple[Node, Node] | None:
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def _deepest(root: MappingNode, path: KeyPath) -> tuple[Node, KeyPath]:
    """Return the node at the path, or the deepest one on it and the keys still missing."""
    node: Node = root
    for depth, key in enumerate(path):
        found = _child(node, key) if isinstance(node, MappingNode) else None
        if found is None:
            return node, path[depth:]
        node = found[1]
    return node, ()


def _add(tree: Tree, path: KeyPath, value: str) -> None:
    for key in path[:-1]:
        branch = tree.setdefault(key, {})
        if not isinstance(branch, dict):
            raise UnsplicableError(f"{key} is both a value and a mapping")
        tree = branch
    tree[path[-1]] = value


def _flow(tree: Tree) -> str:
    """Return the entries as `key: value, key: {…}`: valid in block and flow mappings alike."""
    return ", ".join(
        f"{yaml_text(key)}: {{{_flow(value)}}}"
        if isinstance(value, dict)
        else f"{yaml_text(key)}: {value}"
        for key, value in tree.items()
    )


def _replace(node: Node, value: str) -> tuple[int, int, str]:
    """Return the splice that puts a value where a scalar, a flow collection or a block list of
    scalars is (a block collection's own end runs on over the comments after it)."""
    start, end = node.start_mark.index, node.end_mark.index
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        end = _replace(node.value[-1], value)[1]
    elif not isinstance(node, ScalarNode) and not getattr(node, "flow_style", False):
        raise UnsplicableError("a block collection stands where a value should")
    return start, end, value if end > start else f" {value}"


def _insert(node: Node, tree: Tree) -> tuple[int, int, str]:
    """Return the splice that adds keys to a mapping: before its first key, in its style."""
    if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
        return _replace(node, f"{{{_flow(tree)}}}")
    if not isinstance(node, MappingNode):
        raise UnsplicableError("a value stands where a mapping should")
    if not node.value:
        return node.start_mark.index, node.end_mark.index, f"{{{_flow(tree)}}}"
    first = node.value[0][0].start_mark
    if node.flow_style:
        return first.index, first.index, _flow(tree) + ", "
    lines = "".join(f"{_flow({k: v})}\n{' ' * first.column}" for k, v in tree.items())
    return first.index, first.index, lines


def _append(text: str, tree: Tree) -> tuple[int, int, str]:
    """Return the splice that adds top-level keys at the end of the file, as blocks."""
    lead = "" if not text or text.endswith("\n") else "\n"
    body = "".join(_block(key, value, 0) for key, value in tree.items())
    return len(text), len(text), lead + body


def _block(key: str, value: Tree | str, indent: int) -> str:
    pad = " " * indent
    if not isinstance(value, dict):
        return f"{pad}{yaml_text(key)}: {value}\n"
    return f"{pad}{yaml_text(key)}:\n" + "".join(_block(k, v, indent + 2) for k, v in value.items())
