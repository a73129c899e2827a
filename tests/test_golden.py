"""The sample's outputs, byte for byte: every file forms and letters write (PDFs before their
signatures) has the digest recorded in tests/golden/sample-outputs.sha256.

A change that alters an output on purpose refreshes the list with
`.venv/bin/python tests/refresh_golden.py` and says why in its commit.
"""

from __future__ import annotations

from helpers import golden_digests, output_digests


def test_the_sample_gives_the_recorded_bytes(letters_output):
    found, recorded = output_digests(letters_output), golden_digests()
    assert sorted(found) == sorted(recorded), "files written differ from the recorded list"
    changed = [path for path in recorded if found[path] != recorded[path]]
    assert not changed, f"{len(changed)} outputs changed: {changed[:10]}"
