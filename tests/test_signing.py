"""The signing stage: the signing settings, the demo signer, PAdES signatures that validate."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from generator.archive import demo_signer, signing
from generator.model.campaign import PASSPHRASE_ENV, SigningChoice
from generator.model.errors import InputError
from generator.output.staging import Staging

from helpers import load_data

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
FIELD = "署名"
STAMP_RECT = (350.0, 100.0, 550.0, 180.0)
PASSPHRASE = "口令 secret"
SIGNER_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)
SIGNING_YAML = """\
signing:
  pkcs12: keys/signer.p12
  trust_root: keys/ca.pem
"""


def copy_campaign(folder: Path) -> Path:
    """Return a fresh copy of the minimal campaign in `folder`/data."""
    shutil.copytree(FIXTURE, folder / "data")
    return folder / "data"


def configure_signing(data: Path, text: str = SIGNING_YAML) -> None:
    """Append a signing section to the campaign's campaign.yaml (it starts on line 27)."""
    with (data / "campaign.yaml").open("a", encoding="utf-8") as stream:
        stream.write(text)


def blank_pdf(with_field: bool) -> bytes:
    """Return a one-page PDF, with an empty 署名 signature field when asked."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    if with_field:
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject(FIELD),
                NameObject("/F"): NumberObject(4 | 128),  # print, locked
                NameObject("/Rect"): ArrayObject(FloatObject(v) for v in STAMP_RECT),
                NameObject("/P"): page.indirect_reference,
            }
        )
        reference = writer._add_object(widget)
        page[NameObject("/Annots")] = ArrayObject([reference])
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject([reference])}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def validated(pdf: bytes, roots: list):
    """Return pyHanko's verdict on the PDF's only signature, trusting `roots`."""
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    return validate_pdf_signature(signatures[0], context)


def assert_sound(pdf: bytes, roots: list) -> None:
    """Assert that the signature is intact, valid, trusted and covers the whole file."""
    status = validated(pdf, roots)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def make_certificate(name: str, key, issuer=None, issuer_key=None, *, ca=False, eku=None):
    """Return a test certificate for `key`, self-signed unless an issuer is given."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
    elif not ca:  # pyHanko's validation wants a document signer's nonRepudiation
        builder = builder.add_extension(SIGNER_USAGE, critical=True)
    return builder.sign(issuer_key or key, hashes.SHA256())


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, object, signing.Signer]:
    """Return a campaign without signing settings, its data folder and its (demo) signer."""
    data = copy_campaign(tmp_path_factory.mktemp("demo"))
    campaign = load_data(data).campaign
    return data, campaign, signing.load_signer(data, campaign)


@pytest.fixture(scope="module")
def committee_ca(tmp_path_factory) -> tuple:
    """Return a test CA (certificate, key) and a committee signer's PKCS#12 file it certified."""
    ca_key, signer_key = new_key(), new_key()
    ca = make_certificate("测试根证书", ca_key, ca=True)
    certificate = make_certificate("中共测试镇委员会", signer_key, ca, ca_key)
    keys = tmp_path_factory.mktemp("keys")
    (keys / "ca.pem").write_bytes(ca.public_bytes(Encoding.PEM))
    (keys / "signer.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            None, signer_key, certificate, [ca], BestAvailableEncryption(PASSPHRASE.encode())
        )
    )
    return ca, ca_key, keys


@pytest.fixture
def configured(tmp_path: Path, committee_ca, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a campaign whose signing settings name the committee's PKCS#12 and CA."""
    data = copy_campaign(tmp_path)
    shutil.copytree(committee_ca[2], data / "keys")
    configure_signing(data)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    return data


def load_problems(data: Path) -> list[str]:
    """Return the problems loading the signer reports, as printed."""
    with pytest.raises(InputError) as caught:
        signing.load_signer(data, load_data(data).campaign)
    return [str(problem) for problem in caught.value.problems]


def test_signing_settings_are_read_with_defaults(tmp_path: Path) -> None:
    data = copy_campaign(tmp_path)
    configure_signing(data, SIGNING_YAML + "  timestamp_url: http://tsa.example/tsr\n")
    choice = load_data(data).campaign.signing
    assert choice == SigningChoice(
        Path("keys/signer.p12"), PASSPHRASE_ENV, Path("keys/ca.pem"), "http://tsa.example/tsr"
    )
    assert choice.lines == {"pkcs12": "28", "passphrase_env": "27", "trust_root": "29"}


def test_signing_settings_problems_are_located(tmp_path: Path) -> None:
    data = copy_campaign(tmp_path)
    configure_signing(
        data, "signing:\n  pkcs12: a.p12\n  passphrase_env: 1PASS\n  timestamp_url: tsa\n  key: x\n"
    )
    with pytest.raises(InputError) as caught:
        load_data(data)
    file = f"{data.as_posix()}/campaign.yaml"
    assert [str(problem) for problem in caught.value.problems] == [
        f"{file}:29: signing.passphrase_env: 须为环境变量名（字母、数字、下划线，不以数字开头），"
        "现为 1PASS / must be an environment variable name (letters, digits, _), got 1PASS",
        f"{file}:27: signing.trust_root: 缺少必填字段 trust_root / "
        "missing required field trust_root",
        f"{file}:30: signing.timestamp_url: 须为 http:// 或 https:// 地址，现为 tsa / "
        "must be an http(s):// address, got tsa",
        f"{file}:31: signing.key: 未知字段 key / unknown field key",
    ]


def test_demo_signer_is_made_once_and_reused(demo) -> None:
    data, campaign, signer = demo
    folder = data / demo_signer.DEMO_DIR
    assert sorted(p.name for p in folder.iterdir()) == ["README.txt", "ca.pem", "signer.p12"]
    assert "仅供演示" in (folder / "README.txt").read_text(encoding="utf-8")
    assert signer.is_demo and signer.timestamp_url is None
    assert signer.subject() == (
        "CN=示例签名 DEMO — 中共测试镇委员会,OU=仅供演示 not for official use,"
        "O=中共测试镇委员会（示例）"
    )
    again = signing.load_signer(data, campaign)
    assert again.fingerprint() == signer.fingerprint()
    assert len(signer.fingerprint()) == 64 and signer.fingerprint() == signer.fingerprint().lower()


def test_a_run_that_loses_the_race_keeps_the_winners_signer(demo) -> None:
    # the second of two runs starting together finds the folder made when it renames its own
    data, _, signer = demo
    demo_signer._create(data / demo_signer.DEMO_DIR, "中共测试镇委员会")
    assert signing.load_signer(data, load_data(data).campaign) == signer
    assert [p.name for p in data.iterdir() if p.name.startswith(".demo-signer")] == [".demo-signer"]


def test_demo_certificates_are_a_ca_and_a_signer(demo) -> None:
    data, _, signer = demo
    (ca,) = signing.trust_roots(data, demo[1])
    assert ca.ca and ca.subject.native["organization_name"] == "中共测试镇委员会（示例）"
    certificate = asn1_x509.Certificate.load(signer.certificate)
    assert certificate.key_usage_value.native == {"digital_signature", "non_repudiation"}
    assert certificate.issuer == ca.subject and not certificate.ca
    assert certificate.not_valid_before.year == 2020 and certificate.not_valid_after.year == 2050


@pytest.mark.parametrize("with_field", [True, False], ids=["visible", "invisible"])
def test_signing_appends_a_sound_pades_signature(demo, with_field: bool) -> None:
    data, campaign, signer = demo
    pdf = blank_pdf(with_field)
    signed = signing.sign_pdf(pdf, signer)
    assert signed.startswith(pdf)  # an incremental update
    assert_sound(signed, signing.trust_roots(data, campaign))
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert signature.field_name == FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.md_algorithm == "sha256"


def test_the_visible_signature_draws_a_block_with_its_font_embedded(demo) -> None:
    signed = signing.sign_pdf(blank_pdf(with_field=True), demo[2])
    (widget,) = [
        annotation.get_object() for annotation in PdfReader(io.BytesIO(signed)).pages[0]["/Annots"]
    ]
    assert [round(float(v)) for v in widget["/Rect"]] == [350, 100, 550, 180]
    appearance = widget["/AP"]["/N"]
    fonts = [font.get_object() for font in _fonts_in(appearance)]
    assert fonts and all(_embedded(font) for font in fonts)
    assert widget["/F"] & 4  # printed, as PDF/A wants


def test_the_invisible_signature_gets_a_printable_field(demo) -> None:
    signed = signing.sign_pdf(blank_pdf(with_field=False), demo[2])
    (widget,) = [
        annotation.get_object() for annotation in PdfReader(io.BytesIO(signed)).pages[0]["/Annots"]
    ]
    assert widget["/T"] == FIELD and widget["/FT"] == "/Sig"
    assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]
    assert widget["/F"] & 4 and not widget["/F"] & 2  # printed, not hidden: PDF/A


def test_poppler_finds_the_signature_valid(demo, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signing.sign_pdf(blank_pdf(with_field=True), demo[2]))
    # -nocert: pdfsig checks certificates against NSS's store, which knows no demo CA; trust is
    # checked with pyHanko above
    report = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Signature is Valid." in report and "Total document signed" in report


def test_the_committees_pkcs12_signs(configured: Path, committee_ca) -> None:
    campaign = load_data(configured).campaign
    signer = signing.load_signer(configured, campaign)
    assert not signer.is_demo and signer.subject() == "CN=中共测试镇委员会"
    roots = signing.trust_roots(configured, campaign)
    assert [root.dump() for root in roots] == [committee_ca[0].public_bytes(Encoding.DER)]
    assert_sound(signing.sign_pdf(blank_pdf(with_field=True), signer), roots)


def test_an_unset_passphrase_variable_is_reported(configured, monkeypatch) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV)
    assert load_problems(configured) == [
        f"{configured.as_posix()}/campaign.yaml:27: signing.passphrase_env: 环境变量 "
        f"{PASSPHRASE_ENV} 未设置，无法取得签名证书口令 / environment variable {PASSPHRASE_ENV} "
        "is not set: no passphrase for the signing certificate"
    ]


def test_a_wrong_passphrase_is_reported(configured, monkeypatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "wrong")
    path = configured / "keys" / "signer.p12"
    assert load_problems(configured) == [
        f"{configured.as_posix()}/campaign.yaml:27: signing.passphrase_env: 无法用环境变量 "
        f"{PASSPHRASE_ENV} 中的口令打开 {path}：口令错误，或文件不是 PKCS#12 / cannot open "
        f"{path} with the passphrase in {PASSPHRASE_ENV}: wrong passphrase or not PKCS#12"
    ]


def test_a_missing_pkcs12_is_reported(configured) -> None:
    path = configured / "keys" / "signer.p12"
    path.unlink()
    assert load_problems(configured) == [
        f"{configured.as_posix()}/campaign.yaml:28: signing.pkcs12: 找不到 PKCS#12 文件 {path} / "
        f"PKCS#12 file {path} not found"
    ]


def test_a_pkcs12_without_a_key_is_reported(configured, committee_ca) -> None:
    path = configured / "keys" / "signer.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            None, None, None, [committee_ca[0]], BestAvailableEncryption(PASSPHRASE.encode())
        )
    )
    assert load_problems(configured) == [
        f"{configured.as_posix()}/campaign.yaml:28: signing.pkcs12: {path} 中没有私钥及其证书 / "
        f"{path} holds no private key with its certificate"
    ]


def test_a_missing_trust_root_is_reported(configured) -> None:
    path = configured / "keys" / "ca.pem"
    path.unlink()
    with pytest.raises(InputError) as caught:
        signing.trust_roots(configured, load_data(configured).campaign)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{configured.as_posix()}/campaign.yaml:29: signing.trust_root: 找不到文件 {path} / "
        f"{path} not found"
    ]


def test_a_timestamp_makes_it_pades_b_t(demo, committee_ca, monkeypatch) -> None:
    data, campaign, signer = demo
    ca, ca_key, _ = committee_ca
    tsa_key = new_key()
    tsa = make_certificate("测试时间戳", tsa_key, ca, ca_key, eku=ExtendedKeyUsageOID.TIME_STAMPING)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.public_bytes(Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        ),
    )
    monkeypatch.setattr(signing, "timestamper_for", lambda _: stamper)
    signed = signing.sign_pdf(blank_pdf(with_field=True), signer)
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    attributes = signature.signer_info["unsigned_attrs"].native
    assert [a["type"] for a in attributes] == ["signature_time_stamp_token"]
    roots = [
        *signing.trust_roots(data, campaign),
        asn1_x509.Certificate.load(ca.public_bytes(Encoding.DER)),
    ]
    status = validated(signed, roots)
    assert status.bottom_line and status.timestamp_validity.valid


def test_sign_files_signs_each_in_its_place(demo, tmp_path) -> None:
    data, campaign, signer = demo
    staging = Staging(tmp_path / "out", secretaries=5)
    pdfs = {f"letters/{n:02d}.pdf": blank_pdf(with_field=n % 2 == 0) for n in range(1, 6)}
    for name, pdf in pdfs.items():
        staging.write_file(name, pdf, "test")
    beside = signing.sign_files(staging, list(pdfs), signer, meanwhile=lambda: "bundle")
    assert beside == "bundle"
    for name, pdf in pdfs.items():
        assert staging.path(name).read_bytes() == pdf, "unsigned until swapped in"
        staging.swap_in(name)
        signed = staging.path(name).read_bytes()
        assert signed.startswith(pdf) and len(signed) > len(pdf)
        assert_sound(signed, signing.trust_roots(data, campaign))


def _fonts_in(xobject) -> list:
    """Return the fonts an appearance stream uses, looking into its nested form XObjects."""
    resources = xobject.get_object().get("/Resources", {})
    fonts = list(resources.get("/Font", {}).values())
    for inner in resources.get("/XObject", {}).values():
        fonts.extend(_fonts_in(inner))
    return fonts


def _embedded(font) -> bool:
    """Say whether a (Type0) font carries its font program."""
    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = descendant["/FontDescriptor"].get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
