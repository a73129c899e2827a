"""Sign PDFs as PAdES (B-B, or B-T with a timestamp) with the committee's or the demo signer.

A signature is an incremental update: the signed file begins with the unsigned one, byte for
byte. A document that comes with an empty signature field at its 署名 is signed there, with a
visible block in Chinese; any other gets an invisible signature field. The block's font is the
黑体 role cut, once per run, to the characters a block can show: pyHanko subsets the font it is
given at every signature, which for a whole CJK font costs 0.3 to 1.5 s.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache, partial
from pathlib import Path
from typing import BinaryIO, TypeVar

import uharfbuzz as hb
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_der_private_key,
    pkcs12,
)
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import model as pyhanko_metadata
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError, get_pyca_cryptography_hash
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..model.campaign import Campaign, SigningChoice
from ..model.errors import InputError, PipelineError, Problem
from ..output.staging import Staging
from ..render.fonts import load_font_map
from ..render.parallel import map_forked
from ..render.signature_field import FIELD_NAME
from .attach import attach_files
from .demo_signer import CA_FILE, DEMO_DIR, SIGNER_FILE, demo_signer_dir
from .pdfa import PRODUCER, AssociatedFile

# pyHanko names itself the producer when it signs: it appends its name to the information
# dictionary's /Producer but writes its name alone into the XMP, and PDF/A wants the two equal.
# Naming the product as the vendor leaves both as they were.
pyhanko_metadata.VENDOR = PRODUCER

DEMO_NOTICE = (
    "注意：campaign.yaml 未配置 signing，文件以示例证书签名，仅供演示，不具正式效力 / "
    "note: no signing in campaign.yaml; files are signed with the demonstration certificate, "
    "not for official use"
)
STAMP_TEXT = "电子签名\n签署人：%(signer)s\n时间：%(ts)s"
DEMO_STAMP_TEXT = STAMP_TEXT + "\n示例 DEMO 仅供演示"
CHINA = timezone(timedelta(hours=8))
SHOWN_TIME = "%Y年%m月%d日 %H:%M:%S"  # in China time
ISO_TIME = "%Y-%m-%dT%H:%M:%S%z"  # how pyHanko hands the signing time to the stamp
STAMP_CHARACTERS = "".join(map(chr, range(0x20, 0x7F))) + "年月日时分秒："
STAMP_FONT_ROLE = "黑体"
LAYOUT_TABLES = (b"GSUB", b"GPOS", b"BASE")
STAMP_FONT_SIZE, STAMP_LEADING = 10, 14  # points; the block shrinks to fit the field
T = TypeVar("T")


@dataclass(frozen=True)
class Signer:
    """The signing key and certificates as bytes, so that a worker can inherit or receive them."""

    key: bytes = field(repr=False)  # PKCS#8 DER; never written anywhere
    certificate: bytes  # DER
    chain: tuple[bytes, ...]  # DER: the certificates that lead to the root, to embed
    stamp_font: bytes = field(repr=False)  # the 黑体 role, cut to what a stamp shows
    is_demo: bool
    timestamp_url: str | None = None

    def fingerprint(self) -> str:
        """Return the SHA-256 of the signing certificate, as the manifest records it."""
        return hashlib.sha256(self.certificate).hexdigest()

    def subject(self) -> str:
        """Return the signing certificate's subject, to show whom signatures name."""
        return x509.load_der_x509_certificate(self.certificate).subject.rfc4514_string()


def load_signer(data_dir: Path, campaign: Campaign) -> Signer:
    """Return the configured signer, or the demonstration one (made on first use)."""
    choice = campaign.signing
    if choice is None:
        folder = demo_signer_dir(data_dir, campaign.issuer.name)
        key, certificate, chain = _open_demo(folder / SIGNER_FILE)
    else:
        key, certificate, chain = _open_configured(data_dir, choice)
    return Signer(
        key=key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()),
        certificate=certificate.public_bytes(Encoding.DER),
        chain=tuple(cert.public_bytes(Encoding.DER) for cert in chain),
        stamp_font=_stamp_font(campaign, certificate.subject.rfc4514_string()),
        is_demo=choice is None,
        timestamp_url=choice.timestamp_url if choice else None,
    )


def trust_roots(data_dir: Path, campaign: Campaign) -> list[asn1_x509.Certificate]:
    """Return the certificates `verify` trusts: signing.trust_root, or the demonstration CA."""
    choice = campaign.signing
    if choice is None:
        ca = data_dir / DEMO_DIR / CA_FILE
        if not ca.is_file():
            raise PipelineError(
                f"示例根证书 {ca} 不存在（由 make letters 创建） / "
                f"the demo CA {ca} does not exist (make letters creates it)"
            )
        return list(load_certs_from_pemder_data(ca.read_bytes()))
    path = _resolve(data_dir, choice.trust_root)
    if not path.is_file():
        raise _problem(data_dir, choice, "trust_root", f"找不到文件 {path}", f"{path} not found")
    try:
        roots = list(load_certs_from_pemder_data(path.read_bytes()))
    except ValueError:
        roots = []
    if not roots:
        zh, en = f"{path} 不是 PEM 或 DER 证书", f"{path} is not a PEM or DER certificate"
        raise _problem(data_dir, choice, "trust_root", zh, en)
    return roots


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    field_name: str = FIELD_NAME,
    attached: Sequence[AssociatedFile] = (),
) -> bytes:
    """Return the PDF with a PAdES signature appended, in its empty field `field_name` if any.

    The `attached` files are embedded in the signature's own revision (see attach.py).
    """
    output = io.BytesIO()
    _sign(io.BytesIO(pdf), output, signer, field_name, attached)
    return output.getvalue()


def sign_file(
    source: Path,
    target: Path,
    signer: Signer,
    field_name: str = FIELD_NAME,
    attached: Sequence[AssociatedFile] = (),
) -> None:
    """Sign a PDF file into a new file, reading and hashing both in chunks (a bundle is large)."""
    with open(source, "rb") as stream, open(target, "x+b") as output:
        _sign(stream, output, signer, field_name, attached)


def _sign(
    stream: BinaryIO,
    output: BinaryIO,
    signer: Signer,
    field_name: str,
    attached: Sequence[AssociatedFile],
) -> None:
    metadata = PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    pdf_signer = PdfSigner(
        metadata,
        _pyhanko_signer(signer),
        timestamper=timestamper_for(signer),
        stamp_style=_stamp_style(signer),
    )
    try:
        writer = IncrementalPdfFileWriter(stream)
        attach_files(writer, attached)
        pdf_signer.sign_pdf(writer, output=output)
    except TimestampRequestError as e:
        url = signer.timestamp_url
        raise PipelineError(f"时间戳服务 {url} 出错：{e} / timestamp server {url}: {e}") from e
    except SigningError as e:
        raise PipelineError(f"签名失败：{e} / signing failed: {e}") from e


def sign_files(
    staging: Staging, paths: Sequence[str], signer: Signer, meanwhile: Callable[[], T]
) -> T:
    """Sign each PDF of the staging folder into a file beside it; return what `meanwhile` does.

    Everything runs on every core, `meanwhile` first: one core works on it (the bundle, which
    reads the PDFs before signing) while the other signs. The signed files take their
    unsigned selves' places afterwards (`Staging.swap_in`).
    """
    _pyhanko_signer(signer)  # load the key once, before the workers fork
    work = [lambda _: meanwhile(), *(partial(_sign_file, staging, path) for path in paths)]
    sizes = [staging.path(path).stat().st_size for path in paths]
    other, *_ = map_forked(work, signer, [sum(sizes), *sizes])
    return other


@cache
def timestamper_for(signer: Signer) -> TimeStamper | None:
    """Return the RFC 3161 client for signing.timestamp_url, or None (then PAdES B-B)."""
    return HTTPTimeStamper(signer.timestamp_url) if signer.timestamp_url else None


def _sign_file(staging: Staging, path: str, signer: Signer) -> None:
    """Sign one PDF into a file beside it (see Staging.write_aside); a failure names the file."""
    try:
        signed = sign_pdf(staging.path(path).read_bytes(), signer)
    except PipelineError as e:
        raise PipelineError(f"{path}: {e}") from e
    staging.write_aside(path, signed)


def _open_demo(path: Path) -> tuple:
    """Return the demonstration signer's key, certificate and chain."""
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(path.read_bytes(), None)
    except (OSError, ValueError) as e:
        raise PipelineError(
            f"无法读取示例签名证书 {path}：{e}；删除其目录即可重新生成 / "
            f"cannot read the demo signer {path}: {e}; delete its folder to make a new one"
        ) from e
    return key, certificate, chain


def _open_configured(data_dir: Path, choice: SigningChoice) -> tuple:
    """Return the key, certificate and chain in signing.pkcs12, opened with the passphrase."""
    path, env = _resolve(data_dir, choice.pkcs12), choice.passphrase_env
    if not path.is_file():
        zh, en = f"找不到 PKCS#12 文件 {path}", f"PKCS#12 file {path} not found"
        raise _problem(data_dir, choice, "pkcs12", zh, en)
    passphrase = os.environ.get(env)
    if passphrase is None:
        zh = f"环境变量 {env} 未设置，无法取得签名证书口令"
        en = f"environment variable {env} is not set: no passphrase for the signing certificate"
        raise _problem(data_dir, choice, "passphrase_env", zh, en)
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(
            path.read_bytes(), passphrase.encode() or None
        )
    except ValueError as e:
        zh = f"无法用环境变量 {env} 中的口令打开 {path}：口令错误，或文件不是 PKCS#12"
        en = f"cannot open {path} with the passphrase in {env}: wrong passphrase or not PKCS#12"
        raise _problem(data_dir, choice, "passphrase_env", zh, en) from e
    if key is None or certificate is None:
        zh, en = f"{path} 中没有私钥及其证书", f"{path} holds no private key with its certificate"
        raise _problem(data_dir, choice, "pkcs12", zh, en)
    return key, certificate, chain


def _problem(data_dir: Path, choice: SigningChoice, key: str, zh: str, en: str) -> InputError:
    """Return the error for a signing setting, located at its line in campaign.yaml."""
    file = f"{data_dir.as_posix()}/campaign.yaml"
    return InputError([Problem(file, choice.lines.get(key, "1"), f"signing.{key}", zh, en)])


def _resolve(data_dir: Path, path: Path) -> Path:
    """Return a configured path: absolute as written, otherwise within the data folder."""
    return path if path.is_absolute() else data_dir / path


def _stamp_font(campaign: Campaign, subject: str) -> bytes:
    """Return the 黑体 role's font with only the glyphs a signature block can show.

    HarfBuzz cuts a whole CJK font in milliseconds, where fontTools takes about a second.
    """
    characters = STAMP_CHARACTERS + DEMO_STAMP_TEXT + subject
    font = load_font_map(campaign.fonts)[STAMP_FONT_ROLE].file
    wanted = hb.SubsetInput()
    wanted.unicode_set.update(map(ord, characters))
    # no OpenType layout: the block needs no ligatures or kerning, and pyHanko would decompile
    # the layout tables again at every signature (~15 ms)
    wanted.drop_table_tag_set.update(int.from_bytes(tag, "big") for tag in LAYOUT_TABLES)
    return hb.subset(hb.Face(hb.Blob.from_file_path(str(font))), wanted).blob.data


@cache
def _pyhanko_signer(signer: Signer) -> SimpleSigner:
    """Return pyHanko's signer for ours, built once per process."""
    certificates = [asn1_x509.Certificate.load(der) for der in signer.chain]
    return _LoadedKeySigner(
        load_der_private_key(signer.key, None),
        signing_cert=asn1_x509.Certificate.load(signer.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(signer.key),
        cert_registry=SimpleCertificateStore.from_certs(certificates),
    )


class _LoadedKeySigner(SimpleSigner):
    """A SimpleSigner that keeps its key loaded: pyHanko reloads it (~65 ms for RSA) per use."""

    def __init__(self, key, **kwargs):
        super().__init__(**kwargs)
        self.loaded_key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with the loaded key; mechanisms other than RSA PKCS#1 v1.5 and ECDSA reload it."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.loaded_key, RSAPrivateKey):
            return self.loaded_key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(self.loaded_key, EllipticCurvePrivateKey):
            return self.loaded_key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


@cache
def _stamp_style(signer: Signer) -> TextStampStyle:
    """Return the visible block: who signed and when, and for the demo signer that it is one."""
    return _ChinaTimeStampStyle(
        stamp_text=DEMO_STAMP_TEXT if signer.is_demo else STAMP_TEXT,
        text_box_style=TextBoxStyle(
            font=_FontInMemory(signer.stamp_font), font_size=STAMP_FONT_SIZE, leading=STAMP_LEADING
        ),
        border_width=1,
    )


@dataclass(frozen=True)
class _ChinaTimeStampStyle(TextStampStyle):
    """A text stamp showing the signing time in China time, whatever the machine's time zone."""

    timestamp_format: str = ISO_TIME

    def create_stamp(self, writer, box, text_params):
        """Rewrite pyHanko's signing time (ISO, with its offset) as China time."""
        signed_at = datetime.strptime(text_params["ts"], ISO_TIME).astimezone(CHINA)
        shown = {**text_params, "ts": signed_at.strftime(SHOWN_TIME)}
        return super().create_stamp(writer, box, shown)


@dataclass(frozen=True)
class _FontInMemory(FontEngineFactory):
    """A font engine factory for font bytes: pyHanko's own opens a font file."""

    font: bytes = field(repr=False)

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        """Return an engine that embeds the glyphs a stamp uses, subset again."""
        return GlyphAccumulator(
            writer, io.BytesIO(self.font), STAMP_FONT_SIZE, obj_stream=obj_stream
        )
