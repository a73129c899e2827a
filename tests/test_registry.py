"""The registry of document kinds: every kind declared once, and what is derived from it."""

from __future__ import annotations

from generator.documents.registry import KINDS, kind, owns, pack


def test_every_kind_is_declared_once_under_its_own_key_and_name():
    assert len({k.key for k in KINDS}) == len(KINDS)
    assert len({(k.pack, k.name) for k in KINDS}) == len(KINDS)
    assert all(kind(k.key) is k for k in KINDS)


def test_the_packs_are_read_off_the_registry():
    assert [k.key for k in pack("forms")] == [k.key for k in KINDS if k.pack == "forms"]
    assert {k.pack for k in KINDS} == {"forms", "letters"}
    assert all(k.archived is None for k in pack("forms"))  # only the letters are archived


def test_bundled_kinds_have_distinct_places():
    places = [(k.archived.section, k.archived.order) for k in KINDS if k.archived]
    bundled = [place for place in places if place[0] is not None]
    assert len(set(bundled)) == len(bundled)


def test_a_kind_that_needs_another_runs_after_it():
    for k in KINDS:
        if k.needs is not None:
            assert kind(k.needs).pack == k.pack and kind(k.needs).needs is None


def test_each_pack_owns_its_folders_and_nothing_else():
    assert owns("forms", "forms/通知.pdf") and not owns("forms", "letters/通报.pdf")
    assert owns("letters", "results.json") and owns("letters", "letters/评议表/01-甲-逐票.pdf")
    assert not owns("letters", "forms/ballots-issued.csv") and not owns("letters", "notes.txt")
