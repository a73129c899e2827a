"""`verify`: an intact archive passes; each kind of tampering fails, naming the file and why.

One small synthetic archive is built per session (a test CA and signer, three PDF/A-3b documents
from WeasyPrint, two of them signed, a signed bundle embedding manifest.json, two non-PDF files);
each test copies it, tampers with one thing and runs `python -m generator verify` on it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
import weasyprint
from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import BasicConstraints, KeyUsage
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import embed as embedding
from pyhanko.pdf_utils.generic import StreamObject, pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from generator.archive.verify import verdict_table, verify_archive
from generator.cli import EXIT_FAILURE, EXIT_OK, main

from helpers import flip_content_byte

BUNDLE = "archive/2022-述职评议考核-档案.pdf"
MANIFEST = "archive/manifest.json"
LETTER = "letters/综合评价意见/01-包甲子.pdf"
INSERT = "letters/干部人事档案/01-包甲子.pdf"
NOTICE = "letters/通报.pdf"
SIGNED = (LETTER, INSERT)


@dataclass(frozen=True)
class Kit:
    """The session's archive and what tests need to forge or re-seal one."""

    archive: Path
    trust: Path  # the test CA, PEM
    other_trust: Path  # a CA that signed nothing here
    signer: object  # pyhanko SimpleSigner
    signer_sha256: str
    unsigned: dict[str, bytes]  # PDF/A-3b documents by name, before signing


@pytest.fixture(scope="session")
def kit(tmp_path_factory) -> Kit:
    """Build the intact archive once."""
    root = tmp_path_factory.mktemp("verify-kit")
    ca_cert, ca_key = make_ca("Test CA")
    other_cert, _ = make_ca("Other CA")
    signer, signer_sha256 = make_signer(ca_cert, ca_key)
    (root / "ca.pem").write_bytes(pem(ca_cert))
    (root / "other.pem").write_bytes(pem(other_cert))
    unsigned = {name: pdfa_document(name) for name in ("letter", "insert", "notice", "bundle")}
    kit = Kit(root / "out", root / "ca.pem", root / "other.pem", signer, signer_sha256, unsigned)
    out = kit.archive
    write(out / LETTER, sign(unsigned["letter"], signer))
    write(out / INSERT, sign(unsigned["insert"], signer))
    write(out / NOTICE, unsigned["notice"])
    write(out / "letters/通报.docx", b"PK\x03\x04 not really a docx")
    write(out / "results.json", b'{"year": 2022}\n')
    seal(out, kit)
    return kit


@pytest.fixture
def archive(kit, tmp_path) -> Path:
    """A fresh copy of the intact archive for one test to tamper with."""
    out = tmp_path / "out"
    shutil.copytree(kit.archive, out)
    return out


# --- building the archive ------------------------------------------------------------------


def make_ca(name: str):
    """Return a self-signed CA certificate and its key (cryptography objects)."""
    key = ec.generate_private_key(ec.SECP256R1())
    usage = KeyUsage(False, False, False, False, False, True, True, False, False)
    extensions = [(BasicConstraints(ca=True, path_length=None), True), (usage, True)]
    return certificate(name, key.public_key(), name, key, extensions), key


def make_signer(ca_cert, ca_key):
    """Return a pyHanko signer whose certificate the CA issued, and that certificate's SHA-256."""
    key = ec.generate_private_key(ec.SECP256R1())
    usage = KeyUsage(True, True, False, False, False, False, False, False, False)
    cert = certificate("Test Signer", key.public_key(), "Test CA", ca_key, [(usage, True)])
    der = cert.public_bytes(serialization.Encoding.DER)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    ca = asn1_x509.Certificate.load(ca_cert.public_bytes(serialization.Encoding.DER))
    signer = SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der),
        signing_key=keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([ca]),
    )
    return signer, hashlib.sha256(der).hexdigest()


def certificate(subject: str, public_key, issuer: str, issuer_key, extensions):
    """Return a certificate valid from yesterday for a year."""
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical)
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert) -> bytes:
    """Return a cryptography certificate as PEM."""
    return cert.public_bytes(serialization.Encoding.PEM)


def pdfa_document(text: str) -> bytes:
    """Return a one-page PDF/A-3b document saying `text`."""
    html = f'<p style="font-family: DejaVu Sans">{text}</p>'
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")


def sign(pdf: bytes, signer, embed: bytes | None = None) -> bytes:
    """Return the PDF signed with PAdES (embedding `embed` as manifest.json first, if given)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    if embed is not None:
        data = embedding.EmbeddedFileObject.from_file_data(
            writer, embed, mime_type="application/json"
        )
        spec = embedding.FileSpec(
            "manifest.json", "manifest.json", data, af_relationship=pdf_name("/Data")
        )
        embedding.embed_file(writer, spec)
    metadata = signers.PdfSignatureMetadata(field_name="署名", subfilter=SigSeedSubFilter.PADES)
    return signers.PdfSigner(metadata, signer).sign_pdf(writer).getvalue()


def seal(out: Path, kit: Kit, signed=SIGNED) -> None:
    """Write the manifest of every file under `out` and the signed bundle embedding it."""
    files = sorted(p for p in out.rglob("*") if p.is_file())
    listed = [p for p in files if p.relative_to(out).as_posix() not in (BUNDLE, MANIFEST)]
    outputs = [
        {
            "path": p.relative_to(out).as_posix(),
            "size": p.stat().st_size,
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            "signed": p.relative_to(out).as_posix() in signed,
            "pdfa": p.suffix == ".pdf",
        }
        for p in listed
    ]
    manifest = {
        "product": {"name": "shuzhi-pingyi", "version": "0.1.0"},
        "campaign": {"year": 2022, "issuer": "中共上海庙镇委员会", "results_date": "2022-12-19"},
        "signer": {"subject": "CN=Test Signer", "sha256": kit.signer_sha256, "demo": True},
        "bundle": BUNDLE,
        "inputs": [
            {"path": "campaign.yaml", "size": 3, "sha256": hashlib.sha256(b"x").hexdigest()}
        ],
        "outputs": outputs,
    }
    raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    write(out / MANIFEST, raw)
    write(out / BUNDLE, sign(kit.unsigned["bundle"], kit.signer, embed=raw))


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# --- running verify ------------------------------------------------------------------------


def verify(out: Path, trust: Path, capsys) -> tuple[int, str]:
    """Run the CLI; return the exit code and stdout."""
    code = main(["verify", "--out", str(out), "--trust", str(trust)])
    return code, capsys.readouterr().out


def failures(out: Path, trust: Path) -> dict[str, tuple[str, ...]]:
    """Return the problems of every failed verdict, by path."""
    verdicts = verify_archive(out, [load_cert_from_pemder(str(trust))])
    return {v.path: v.problems for v in verdicts if not v.ok}


def has(problems: tuple[str, ...], text: str) -> bool:
    return any(text in problem for problem in problems)


# --- the intact archive --------------------------------------------------------------------


def test_intact_archive_passes(kit, capsys):
    code, out = verify(kit.archive, kit.trust, capsys)
    assert code == EXIT_OK, out
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    for path in (*SIGNED, BUNDLE):
        assert "有效 valid" in rows[path] and "通过 pass" in rows[path]
    assert "符合 ok" in rows[NOTICE] and "无 none" in rows[NOTICE]
    assert "一致 match" in rows[MANIFEST] and "一致 match" in rows["results.json"]
    assert "共 7 个文件，通过 7，失败 0 / 7 files: 7 passed, 0 failed" in out


def test_demo_signer_is_announced(kit, capsys):
    main(["verify", "--out", str(kit.archive), "--trust", str(kit.trust)])
    err = capsys.readouterr().err
    assert "示例证书，仅供演示 / demonstration certificate, not for official use" in err


def test_table_aligns_wide_characters(kit):
    table = verdict_table(verify_archive(kit.archive, [load_cert_from_pemder(str(kit.trust))]))
    lines = table.splitlines()
    rows = [lines[0], *lines[2:9]]
    assert len({tuple(column_starts(row)) for row in rows}) == 1, table
    assert len(column_starts(lines[0])) == 4


def column_starts(line: str) -> list[int]:
    """Return the terminal columns where the cells after the first begin (wide characters: 2)."""
    return [display_width(line[: m.start()]) for m in re.finditer(r"(?<=  )\S", line)]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# --- tampering -----------------------------------------------------------------------------


def test_byte_changed_in_signed_content_stream(archive, kit, capsys):
    path = archive / LETTER
    path.write_bytes(flip_content_byte(path.read_bytes()))
    code, out = verify(archive, kit.trust, capsys)
    assert code == EXIT_FAILURE
    assert (
        f"{LETTER}: 签名后内容被改动（摘要不符） / changed after signing (digest mismatch)" in out
    )
    assert f"{LETTER}: 内容已改变 / content changed" in out
    assert set(failures(archive, kit.trust)) == {LETTER}


def test_incremental_update_after_signing(archive, kit):
    path = archive / INSERT
    writer = IncrementalPdfFileWriter(BytesIO(path.read_bytes()))
    stream = StreamObject(stream_data=b"0 0 1 rg 10 10 100 100 re f")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    problems = failures(archive, kit.trust)
    assert set(problems) == {INSERT}
    assert has(
        problems[INSERT], "签名未覆盖整个文件（签名后有追加修改） / signature does not cover"
    )


def test_signed_file_replaced_by_another_signed_file(archive, kit):
    (archive / LETTER).write_bytes(sign(pdfa_document("forged"), kit.signer))
    problems = failures(archive, kit.trust)
    assert problems == {LETTER: ("内容已改变 / content changed",)}


def test_deleted_file(archive, kit, capsys):
    (archive / "results.json").unlink()
    code, out = verify(archive, kit.trust, capsys)
    assert code == EXIT_FAILURE
    assert "results.json: 已删除 / deleted" in out


def test_added_file(archive, kit):
    write(archive / "letters/补充.txt", b"slipped in")
    assert failures(archive, kit.trust) == {"letters/补充.txt": ("多出的文件 / file added",)}


def test_edited_manifest(archive, kit):
    path = archive / MANIFEST
    path.write_text(path.read_text("utf-8").replace("0.1.0", "0.1.1"), "utf-8")
    problems = failures(archive, kit.trust)
    assert set(problems) == {MANIFEST}
    assert has(problems[MANIFEST], "清单与档案内嵌的不一致，已被修改 / differs from the bundle's")


def test_untrusted_signer(kit):
    problems = failures(kit.archive, kit.other_trust)
    assert set(problems) == {*SIGNED, BUNDLE}
    for path in problems:
        assert problems[path] == ("签名证书不受信任 / signer not trusted by the given roots",)


def test_signed_by_another_certificate_than_the_manifests(archive, kit):
    manifest = json.loads((archive / MANIFEST).read_text("utf-8"))
    manifest["signer"]["sha256"] = "00" * 32
    raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    write(archive / MANIFEST, raw)
    write(archive / BUNDLE, sign(kit.unsigned["bundle"], kit.signer, embed=raw))
    problems = failures(archive, kit.trust)
    assert set(problems) == {*SIGNED, BUNDLE}
    assert has(problems[LETTER], "签名证书与清单所载不同 / signing certificate differs")


def test_pdfa_without_output_intent_or_embedded_fonts(archive, kit):
    write(archive / "letters/草稿.pdf", plain_pdf())
    seal(archive, kit)
    problems = failures(archive, kit.trust)
    assert problems == {
        "letters/草稿.pdf": (
            "缺少 XMP 元数据 / no XMP metadata",
            "缺少 PDF/A 输出意图 / no PDF/A OutputIntent with a profile",
            "字体未嵌入 / font not embedded: Helvetica",
        )
    }


def plain_pdf(password: str | None = None) -> bytes:
    """Return a one-page PDF using the standard Helvetica, not embedded."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 20 100 Td (draft) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    if password is not None:
        writer.encrypt(password, algorithm="AES-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf(archive, kit):
    write(archive / "letters/加密.pdf", plain_pdf(password=""))
    seal(archive, kit)
    assert failures(archive, kit.trust) == {"letters/加密.pdf": ("文件已加密 / encrypted",)}


def test_flagged_signed_without_signature(archive, kit):
    seal(archive, kit, signed=(*SIGNED, NOTICE))
    assert failures(archive, kit.trust) == {
        NOTICE: ("应有签名而无 / flagged signed but carries no signature",)
    }


def test_broken_pdf_gets_a_verdict(archive, kit, capsys):
    path = archive / INSERT
    path.write_bytes(path.read_bytes()[:300])
    code, out = verify(archive, kit.trust, capsys)
    assert code == EXIT_FAILURE
    assert f"{INSERT}: PDF 无法解析 / unreadable PDF" in out


def test_missing_output_folder_or_manifest_fails(archive, kit, capsys):
    (archive / MANIFEST).unlink()
    code, out = verify(archive, kit.trust, capsys)
    assert code == EXIT_FAILURE
    assert f"{MANIFEST}: 清单缺失 / manifest.json missing" in out
    code, out = verify(archive / "nowhere", kit.trust, capsys)
    assert code == EXIT_FAILURE
    assert "输出目录不存在 / output folder not found" in out


def test_unparseable_manifest_fails(archive, kit, capsys):
    (archive / MANIFEST).write_text('{"outputs": [', "utf-8")
    code, out = verify(archive, kit.trust, capsys)
    assert code == EXIT_FAILURE
    assert f"{MANIFEST}: 清单无法解析 / manifest.json unreadable" in out


def test_manifest_path_leaving_the_folder_fails(archive, kit):
    path = archive / MANIFEST
    path.write_text(path.read_text("utf-8").replace('"results.json"', '"../x"'), "utf-8")
    assert has(failures(archive, kit.trust)[MANIFEST], "路径越界 / path outside the output folder")


def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *arguments], capture_output=True, text=True, timeout=300
    )


def test_untrusted_signer_is_one_line_per_file_without_library_tracebacks(kit):
    """pyHanko logs a traceback per rejected signature; the clerk sees only the verdict table."""
    quiet = run_cli("verify", "--out", str(kit.archive), "--trust", str(kit.other_trust))
    assert quiet.returncode == EXIT_FAILURE
    assert "Traceback" not in quiet.stderr and "pyhanko" not in quiet.stderr.lower()
    assert quiet.stdout.count("签名证书不受信任 / signer not trusted") == len((*SIGNED, BUNDLE))
    verbose = run_cli(
        "--verbose", "verify", "--out", str(kit.archive), "--trust", str(kit.other_trust)
    )
    assert verbose.returncode == EXIT_FAILURE and "pyhanko" in verbose.stderr.lower()
