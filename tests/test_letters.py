"""`letters` end to end on the sample: results.json as the contract lays it out, every ballot
accounted for, and bad input refused with nothing written."""

from __future__ import annotations

import json
import shutil

from generator.cli import EXIT_INPUT, main

from helpers import DATA


def test_results_json_has_the_contract_fields(sample_run):
    from helpers import load_data

    results = json.loads((sample_run / "output" / "results.json").read_text(encoding="utf-8"))
    data = load_data(DATA)
    assert [s["id"] for s in results["secretaries"]] == [s.id for s in data.secretaries]
    for entry in results["secretaries"]:
        assert {
            "id",
            "name",
            "role",
            "ballots",
            "score",
            "low_vote_share",
            "score_grade",
            "grade",
            "reasons",
            "excellent_eligible",
            "interview_required",
            "rectification_due",
        } <= set(entry)
        assert entry["excellent_eligible"] == (entry["grade"] == "好")
        assert entry["interview_required"] == (entry["grade"] in ("一般", "差"))
        assert (entry["rectification_due"] is None) == (not entry["interview_required"])
        assert len(entry["score"].split(".")[1]) == 3 and entry["reasons"]
    assert {"distribution", "ballots_total", "unreturned"} <= set(results)


def test_every_ballot_is_accounted_for(sample_run):
    results = json.loads((sample_run / "output" / "results.json").read_text(encoding="utf-8"))
    totals = results["ballots_total"]
    assert totals["read"] == totals["valid"] + totals["blank"] + totals["invalid"]
    per_secretary = sum(
        c["valid"] + c["blank"] + c["invalid"]
        for s in results["secretaries"]
        for c in s["ballots"].values()
    )
    assert per_secretary == totals["read"]
    issued = (sample_run / "output" / "forms" / "ballots-issued.csv").read_text(
        encoding="utf-8-sig"
    )
    assert totals["read"] + len(results["unreturned"]) == len(issued.splitlines()) - 1


def test_a_bad_ballot_is_refused_and_nothing_is_written(sample_run, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(sample_run / "data", data)
    out = tmp_path / "out"
    shutil.copytree(sample_run / "output", out)
    before = (out / "results.json").read_bytes()
    lines = (data / "ballots" / "上述.csv").read_text(encoding="utf-8-sig").splitlines()
    serial = lines[1].split(",")[0]
    lines[1] = lines[1].replace(f"{serial},s", f"{serial},x", 1)  # an unknown secretary
    (data / "ballots" / "上述.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    assert main(["letters", "--data", str(data), "--out", str(out)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"{data.as_posix()}/ballots/上述.csv:2: secretary_id:" in err
    assert (out / "results.json").read_bytes() == before


def test_a_signing_certificate_that_cannot_be_opened_stops_before_writing(
    sample_run, tmp_path, capsys, monkeypatch
):
    data = tmp_path / "data"
    shutil.copytree(sample_run / "data", data)
    out = tmp_path / "out"
    shutil.copytree(sample_run / "output", out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with (data / "campaign.yaml").open("a", encoding="utf-8") as campaign:
        campaign.write("\nsigning:\n  pkcs12: keys/signer.p12\n  trust_root: keys/ca.pem\n")
    monkeypatch.delenv("SZPY_SIGNING_PASSPHRASE", raising=False)
    assert main(["letters", "--data", str(data), "--out", str(out)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"{data.as_posix()}/campaign.yaml:" in err and "signing.pkcs12:" in err
    assert "PKCS#12" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
