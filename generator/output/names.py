"""File names made from data, made safe: no separators, no `..`, no control characters, bounded.

A secretary's name becomes part of a file name (NN-姓名.pdf), so it is cleaned here, once, for
every kind: path separators and characters Windows refuses become ＿, control, invisible format
and unassigned characters go, leading dots and trailing dots or spaces go, a name Windows reserves
(CON, NUL, COM1…) is prefixed, and the whole name is cut to a bound in UTF-8 bytes. The number in
front widens with the campaign (01…, 001…) so that the files sort as the meeting goes.
"""

from __future__ import annotations

import re
import unicodedata

from ..documents.kind import Document
from ..model.limits import FILE_NAME_MAX_BYTES

REPLACED = set('/\\:*?"<>|')  # separators, and what Windows refuses in a name
WINDOWS_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM\d|LPT\d)(\..*)?", re.IGNORECASE)
SUBSTITUTE = "＿"


def number_width(count: int) -> int:
    """Return the digits a campaign's numbering needs: at least two (01…), three from 100."""
    return max(2, len(str(count)))


def safe_part(text: str, max_bytes: int = FILE_NAME_MAX_BYTES) -> str:
    """Return text usable as (part of) one file name on Linux, Windows and macOS."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            continue
        kept.append(SUBSTITUTE if char in REPLACED else char)
    name = "".join(kept).strip(" ").lstrip(".").rstrip(". ")
    name = re.sub(r"\.{2,}", ".", name)
    if WINDOWS_RESERVED.fullmatch(name):
        name = SUBSTITUTE + name
    return _cut(name, max_bytes)


def personal_name(number: int, width: int, name: str, stem: str, suffix: str) -> str:
    """Return NN-姓名{stem}{suffix}, the name cut so that the whole stays within the bound."""
    head, tail = f"{number:0{width}d}-", safe_part(stem) + suffix
    room = FILE_NAME_MAX_BYTES - len((head + tail).encode())
    return head + (safe_part(name, room) or SUBSTITUTE) + tail


def document_path(document: Document, width: int) -> str:
    """Return where a document goes under --out, named from its kind's declaration."""
    kind = document.kind
    if document.secretary is not None:
        s = document.secretary
        name = personal_name(s.number, width, s.name, kind.stem, document.suffix)
    else:
        name = safe_part(document.name or kind.stem) + document.suffix
    return f"{kind.folder}/{name}" if kind.folder else name


def _cut(text: str, max_bytes: int) -> str:
    """Return the longest prefix of whole characters within max_bytes of UTF-8."""
    encoded = text.encode()
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode(errors="ignore").rstrip(". ")
