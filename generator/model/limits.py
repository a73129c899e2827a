"""Bounds on what the data may hold, in one place: past one, the input is refused where it is."""

from __future__ import annotations

NAME_MAX = 50  # characters of a secretary's name: the longest transliterated names are ~20
FILE_NAME_MAX_BYTES = 200  # UTF-8 bytes of an output file's name (file systems allow 255)
