"""The committed DOCX templates are exactly what their builders make (`make templates`)."""

from __future__ import annotations

import pytest

from helpers import REPO

COMMITTED = REPO / "generator" / "templates" / "docx"


@pytest.fixture(scope="module")
def built(font_map) -> dict[str, bytes]:
    from generator.documents.docx_builders import build_templates

    return build_templates(font_map)


def test_every_committed_template_has_a_builder(built):
    assert sorted(built) == sorted(p.name for p in COMMITTED.glob("*.docx"))


def test_committed_templates_are_what_their_builders_make(built):
    drifted = [
        name for name, content in built.items() if (COMMITTED / name).read_bytes() != content
    ]
    assert not drifted, f"{drifted}: run `make templates` and commit the templates"


def test_every_kind_names_templates_that_exist():
    from generator.documents.registry import KINDS

    html = REPO / "generator" / "templates" / "html"
    for kind in KINDS:
        for name in kind.templates:
            folder = COMMITTED if name.endswith(".docx") else html
            assert (folder / name).is_file(), f"{kind.key}: {name}"
