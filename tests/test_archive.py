"""The signed archive `letters` writes: PDF/A-3b declarations, the bundle, the manifest.

Every test reads the session's one `letters` run (`letters_output`); the determinism test makes a
second run in another process, whose signed letter also stands in for a forged replacement. The
signatures are checked by poppler's pdfsig, and each kind of tampering by `verify`, on copies of
the run (test_verify.py tries every case on a small synthetic archive).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from pyhanko.pdf_utils.generic import StreamObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from generator.cli import EXIT_FAILURE, EXIT_OK, main

from helpers import DATA, flip_content_byte

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}
BUNDLE = "archive/2022-述职评议考核-档案.pdf"


def archived_pdfs(out: Path) -> list[Path]:
    return [*sorted((out / "letters").rglob("*.pdf")), out / BUNDLE]


def xmp(reader: PdfReader) -> ET.Element:
    return ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def xmp_text(root: ET.Element, path: str) -> str:
    """Return an XMP property, written as an element or (simple ones) as an attribute."""
    found = root.find(f".//{path}", NS)
    if found is not None:
        return found.text or ""
    prefix, name = path.split(":", 1)
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        value = description.get(f"{{{NS[prefix]}}}{name}")
        if value is not None:
            return value
    raise AssertionError(f"no {path} in the XMP")


def associated_files(reader: PdfReader) -> dict[str, tuple[str, bytes]]:
    """Return name → (AFRelationship, data) of the files the catalogue's /AF declares."""
    found = {}
    for reference in reader.trailer["/Root"].get("/AF", []):
        spec = reference.get_object()
        data = spec["/EF"]["/F"].get_object().get_data()
        found[str(spec["/UF"])] = (str(spec["/AFRelationship"]), data)
    return found


def test_every_archived_pdf_declares_pdfa_3b_with_agreeing_metadata(letters_output):
    results = json.loads((letters_output / "results.json").read_text("utf-8"))
    for path in archived_pdfs(letters_output):
        reader = PdfReader(path)
        root, info = xmp(reader), reader.metadata
        assert reader.pdf_header == "%PDF-1.7", path
        assert xmp_text(root, "pdfaid:part") == "3", path
        assert xmp_text(root, "pdfaid:conformance") == "B", path
        assert xmp_text(root, "dc:title/rdf:Alt/rdf:li") == info.title, path
        assert xmp_text(root, "dc:creator/rdf:Seq/rdf:li") == info.author == "中共上海庙镇委员会"
        assert xmp_text(root, "dc:description/rdf:Alt/rdf:li") == info.subject, path
        assert xmp_text(root, "pdf:Keywords") == info["/Keywords"], path
        assert xmp_text(root, "xmp:CreateDate") == "2022-12-19T00:00:00+08:00", path
        assert xmp_text(root, "pdf:Producer") == info.producer == "shuzhi-pingyi", path
        assert info["/CreationDate"] == "D:20221219000000+08'00'", path
        assert results["campaign"]["results_date"] == "2022-12-19"
        intents = reader.trailer["/Root"]["/OutputIntents"]
        assert [str(i.get_object()["/S"]) for i in intents] == ["/GTS_PDFA1"], path
        assert "/DestOutputProfile" in intents[0].get_object(), path
        assert "/Encrypt" not in reader.trailer and len(reader.trailer["/ID"]) == 2, path


def test_a_personal_document_carries_that_secretarys_results(letters_output):
    results = json.loads((letters_output / "results.json").read_text("utf-8"))
    for number, entry in enumerate(results["secretaries"], start=1):
        for folder in ("综合评价意见", "干部人事档案", "整改清单"):
            path = letters_output / "letters" / folder / f"{number:02d}-{entry['name']}.pdf"
            attached = associated_files(PdfReader(path))
            assert list(attached) == [f"results-{entry['id']}.json"], path
            relationship, data = attached[f"results-{entry['id']}.json"]
            assert relationship == "/Source" and json.loads(data) == entry, path
            assert entry["name"] in PdfReader(path).metadata["/Keywords"]


def test_the_campaign_documents_carry_all_of_results_json(letters_output):
    for name in ("通报.pdf", "备案报告.pdf", "干部人事档案/目录.pdf"):
        attached = associated_files(PdfReader(letters_output / "letters" / name))
        assert attached["results.json"][1] == (letters_output / "results.json").read_bytes()


def test_the_bundle_carries_results_the_inputs_and_the_manifest(letters_output):
    attached = associated_files(PdfReader(letters_output / BUNDLE))
    assert attached["results.json"][1] == (letters_output / "results.json").read_bytes()
    assert attached["manifest.json"][1] == (letters_output / "archive/manifest.json").read_bytes()
    for name in ("campaign.yaml", "notice.md", "secretaries.yaml", "assessment.yaml"):
        assert attached[f"input-{name}"][1] == (DATA / name).read_bytes(), name
    assert not any(name.startswith("input-ballots-") for name in attached if "sorted" not in name)


def test_the_bundle_keeps_the_ballots_by_serial_never_in_the_order_they_were_entered(
    letters_output, scored, letters_context
):
    """The bundle embeds the ballots sorted by secretary, source and serial, whatever order the
    clerk's files had; the originals are only hashed in the manifest."""
    import csv
    import random

    from generator.archive.ballots_file import sorted_ballots
    from generator.documents.filled_form import source_order

    attached = associated_files(PdfReader(letters_output / BUNDLE))
    embedded = attached["input-ballots-sorted.csv"][1]
    rows = list(csv.reader(io.StringIO(embedded.decode("utf-8-sig"))))[1:]
    assert len(rows) == scored.results.totals.read
    secretaries = {s.id: s for s in scored.data.secretaries}

    def place(row):
        secretary = secretaries[row[1]]
        return secretary.number, source_order(scored.data.campaign, secretary.role).index(row[2])

    assert rows == sorted(rows, key=lambda row: (*place(row), row[0]))
    results = letters_context.results
    for seed in range(3):  # the same bytes whatever order the ballots came in
        shuffled = list(results.ballots)
        random.Random(seed).shuffle(shuffled)
        context = replace(letters_context, results=replace(results, ballots=tuple(shuffled)))
        assert sorted_ballots(context) == embedded
    manifest = json.loads((letters_output / "archive/manifest.json").read_text("utf-8"))
    hashed = {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}
    for ballots in sorted((DATA / "ballots").iterdir()):
        digest = hashlib.sha256(ballots.read_bytes()).hexdigest()
        assert hashed[f"ballots/{ballots.name}"] == digest


def test_the_bundle_is_bookmarked_by_secretary_then_kind(letters_output):
    reader = PdfReader(letters_output / BUNDLE)
    results = json.loads((letters_output / "results.json").read_text("utf-8"))
    outline = reader.outline
    headings = [item.title for item in outline if not isinstance(item, list)]
    assert len(headings) == len(results["secretaries"]) + 1 and headings[-1] == "综合材料"
    for heading, entry in zip(headings, results["secretaries"], strict=False):
        assert entry["name"] in heading and entry["grade"] in heading
    first_children = [item.title for item in outline[1]]
    assert first_children == [
        "综合评价意见", "干部人事档案材料（述职评议考核结果）", "评议表汇总", "评议表（逐票）", "整改清单",
    ]  # fmt: skip
    assert [item.title for item in outline[-1]] == ["通报", "备案报告", "干部人事档案材料目录"]


def test_the_bundle_holds_every_page_and_labels_them_as_its_contents_do(letters_output):
    reader = PdfReader(letters_output / BUNDLE)
    parts = [p for p in (letters_output / "letters").rglob("*.pdf")]
    body = sum(len(PdfReader(p).pages) for p in parts)
    front = len(reader.pages) - body
    labels = reader.page_labels
    assert labels[0] == "封面" and labels[1] == "i" and labels[front] == "1"
    assert labels[-1] == str(body)
    outline = reader.outline
    letter_page = reader.get_destination_page_number(outline[1][0])
    assert labels[letter_page] == "1"  # the first secretary's letter opens the documents
    contents = "".join(reader.pages[i].extract_text() for i in range(1, front))
    assert "综合评价意见" in contents and "备案报告" in contents


def test_no_document_page_in_the_bundle_keeps_a_signature_field(letters_output):
    reader = PdfReader(letters_output / BUNDLE)
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            assert annotation.get("/FT") != "/Sig" or annotation.get("/T") == "档案签名"


def test_the_manifest_lists_every_output_file_with_its_hash(letters_output):
    manifest = json.loads((letters_output / "archive/manifest.json").read_text("utf-8"))
    on_disk = {
        p.relative_to(letters_output).as_posix() for p in letters_output.rglob("*") if p.is_file()
    }
    listed = {entry["path"]: entry for entry in manifest["outputs"]}
    printed = set(manifest["print_files"])
    assert printed == {p for p in on_disk if p.startswith("forms/选票/") and p.endswith(".pdf")}
    assert set(listed) == on_disk - {BUNDLE, "archive/manifest.json"} - printed
    for path, entry in listed.items():
        content = (letters_output / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest() and entry["size"] == len(
            content
        )
    assert manifest["bundle"] == BUNDLE
    signed = {path for path, entry in listed.items() if entry["signed"]}
    assert signed == {
        p for p in listed if p.startswith(("letters/综合评价意见/", "letters/干部人事档案/"))
        and p.endswith(".pdf") and not p.endswith("目录.pdf")
    }  # fmt: skip
    assert {p for p, e in listed.items() if e["pdfa"]} == {
        p for p in listed if p.startswith("letters/") and p.endswith(".pdf")
    }
    inputs = {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}
    assert (
        inputs["campaign.yaml"] == hashlib.sha256((DATA / "campaign.yaml").read_bytes()).hexdigest()
    )
    assert manifest["signer"]["demo"] is True and len(manifest["signer"]["sha256"]) == 64


# --- signatures, checked by pdfsig and by `verify` on the real run --------------------------------

LETTER = "letters/综合评价意见/01-包甲子.pdf"
INSERT = "letters/干部人事档案/02-白乙丑.pdf"


def signed_pdfs(out: Path) -> list[Path]:
    manifest = json.loads((out / "archive/manifest.json").read_text("utf-8"))
    return [out / e["path"] for e in manifest["outputs"] if e["signed"]] + [out / BUNDLE]


def test_pdfsig_finds_every_signature_valid_and_covering_the_whole_file(letters_output):
    """poppler, an independent checker: -nocert, as its store does not hold the demo CA."""
    paths = signed_pdfs(letters_output)
    assert len(paths) == 2 * 19 + 1
    for path in paths:
        report = subprocess.run(
            ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert report.count("Signature #") == 1, report
        assert "Signature Validation: Signature is Valid." in report, report
        assert "Total document signed" in report, report
        assert "Signature Type: ETSI.CAdES.detached" in report, report


def verify(out: Path, data: Path, capsys) -> tuple[int, str]:
    code = main(["verify", "--data", str(data), "--out", str(out)])
    return code, capsys.readouterr().out


@pytest.fixture
def tampered(letters_output, tmp_path) -> Path:
    """A copy of the run's output folder to tamper with."""
    shutil.copytree(letters_output, tmp_path / "out")
    return tmp_path / "out"


def test_verify_passes_the_intact_run(letters_output, capsys):
    code, out = verify(letters_output, letters_output.parent / "data", capsys)
    assert code == EXIT_OK, out
    assert "失败 0 / " in out and "有效 valid" in out


def test_verify_catches_a_byte_changed_in_a_page_stream(letters_output, tampered, capsys):
    path = tampered / LETTER
    path.write_bytes(flip_content_byte(path.read_bytes()))
    code, out = verify(tampered, letters_output.parent / "data", capsys)
    assert code == EXIT_FAILURE
    assert (
        f"{LETTER}: 签名后内容被改动（摘要不符） / changed after signing (digest mismatch)" in out
    )
    assert f"{LETTER}: 内容已改变 / content changed" in out


def test_verify_catches_an_update_appended_that_changes_a_page(letters_output, tampered, capsys):
    path = tampered / INSERT
    writer = IncrementalPdfFileWriter(io.BytesIO(path.read_bytes()))
    writer.add_stream_to_page(
        0, writer.add_object(StreamObject(stream_data=b"0 0 1 rg 9 9 99 99 re f"))
    )
    appended = io.BytesIO()
    writer.write(appended)
    path.write_bytes(appended.getvalue())
    code, out = verify(tampered, letters_output.parent / "data", capsys)
    assert code == EXIT_FAILURE
    assert f"{INSERT}: 签名未覆盖整个文件（签名后有追加修改） / signature does not cover" in out


def test_verify_catches_a_file_replaced_by_a_validly_signed_other_file(
    letters_output, tampered, capsys
):
    from generator.archive.signing import load_signer, sign_pdf

    from helpers import first_revision, load_data

    data = letters_output.parent / "data"
    signer = load_signer(data, load_data(data).campaign)
    unsigned = first_revision((letters_output / LETTER).read_bytes()) + b"\n"
    resigned = sign_pdf(unsigned, signer)  # the same pages, signed again: valid, other bytes
    assert resigned != (letters_output / LETTER).read_bytes()
    (tampered / LETTER).write_bytes(resigned)
    code, out = verify(tampered, letters_output.parent / "data", capsys)
    assert code == EXIT_FAILURE
    assert f"{LETTER}: 内容已改变 / content changed" in out
    assert out.count("失败 FAIL") == 1


def test_verify_catches_a_file_deleted(letters_output, tampered, capsys):
    (tampered / INSERT).unlink()
    code, out = verify(tampered, letters_output.parent / "data", capsys)
    assert code == EXIT_FAILURE and f"{INSERT}: 已删除 / deleted" in out


def test_verify_passes_once_the_booklets_are_destroyed(letters_output, tampered, capsys):
    """The booklets are print files: once printed they are destroyed, and the archive holds."""
    booklets = sorted((tampered / "forms/选票").glob("*.pdf"))
    assert booklets
    for booklet in booklets:
        assert "印后销毁" in PdfReader(booklet).metadata["/Subject"]
        booklet.unlink()
    code, out = verify(tampered, letters_output.parent / "data", capsys)
    assert code == EXIT_OK, out


def test_verify_catches_a_file_added(letters_output, tampered, capsys):
    (tampered / "letters/通报-修改稿.pdf").write_bytes((tampered / "letters/通报.pdf").read_bytes())
    code, out = verify(tampered, letters_output.parent / "data", capsys)
    assert code == EXIT_FAILURE and "letters/通报-修改稿.pdf: 多出的文件 / file added" in out


def test_the_bundle_places_every_document_of_a_county():
    """Whose a document is comes from its record, not its file name: 120 secretaries all fit."""
    from datetime import date
    from types import SimpleNamespace

    from generator.archive.bundle import arrange, bundled_kinds
    from generator.model.campaign import Secretary
    from generator.output.staging import Written

    people = [
        Secretary(f"s{n}", f"名{n}", None, "某支部", "branch", date(2020, 1, 1), ("a", "b"), (), n)
        for n in range(1, 121)
    ]
    graded = SimpleNamespace(grade="好")
    context = SimpleNamespace(secretaries=people, results=SimpleNamespace(of=lambda s: graded))
    personal = [
        Written(f"{k.folder}/{s.number}-{k.key}.pdf", k.key, s.id, 1, "00", pages=2)
        for s in people
        for k in bundled_kinds("personal")
    ]
    campaign = [Written(f"{k.key}.pdf", k.key, None, 1, "00", 1) for k in bundled_kinds("campaign")]
    sections = arrange(context, personal + campaign)
    placed = [part.path for section in sections for part in section.parts]
    assert sorted(placed) == sorted(w.path for w in personal + campaign)
    assert sections[0].heading.startswith("001　名1（") and sections[99].heading.startswith("100　")
    assert sections[-1].parts[-1].first_page == 120 * 5 * 2 + len(campaign)
