"""Make the demonstration CA and signer that sign when campaign.yaml configures no signing.

They live in the data folder (`<data>/.demo-signer/`), not under the output folder, so that
`make clean` keeps them and what was signed once still verifies. They are made on first use
and never again: the folder is written in a temporary place and renamed into place in one step,
so two runs starting together end up sharing one complete pair. The PKCS#12 file has no
passphrase: its key protects nothing, which README.txt says.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, pkcs12
from cryptography.x509.oid import NameOID

from ..model.errors import PipelineError

DEMO_DIR = ".demo-signer"
CA_FILE, SIGNER_FILE, README_FILE = "ca.pem", "signer.p12", "README.txt"
VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)  # before the sample's 2022 dates
VALID_UNTIL = datetime(2050, 1, 1, tzinfo=UTC)  # 30 years
CN_BYTES = 64  # the UTF-8 length X.509 allows a common name (ub-common-name)

README = """\
示例签名证书 —— 仅供演示，不得用于正式文书

本目录由 make letters 在 campaign.yaml 未配置 signing 时自动创建，之后一直沿用：
  ca.pem      示例根证书（自签名）；make verify 默认信任它
  signer.p12  由示例根证书签发的示例签名证书及其私钥（PKCS#12，无口令）
用它签署的文件只能说明签名之后未被改动，不能证明由谁签署：私钥没有任何保护，
任何拿到本目录的人都能以同样的名义签名。正式使用请在 campaign.yaml 的 signing 中
配置本单位的签名证书（见 docs/archive.md）。删除本目录后将生成新的示例证书，此前签署的文件
将无法再通过 make verify 的信任检查。

Demonstration signing certificate — for demonstration only, not for official use

make letters created this folder because campaign.yaml configures no signing, and reuses it:
  ca.pem      the demonstration root certificate (self-signed); make verify trusts it by default
  signer.p12  the demonstration signer certified by it, with its private key (PKCS#12, no
              passphrase)
A signature made with it shows only that a file is unchanged since it was signed, not who
signed it: the key is unprotected and anyone holding this folder can sign in the same name.
For official use configure the committee's own certificate under signing in campaign.yaml
(see docs/archive.md). Deleting this folder makes a new demonstration certificate next time; files
signed before then no longer pass make verify's trust check.
"""


def demo_signer_dir(data_dir: Path, issuer: str) -> Path:
    """Return the demonstration signer's folder, creating it for the issuer on first use."""
    folder = data_dir / DEMO_DIR
    if not folder.exists():
        try:
            _create(folder, issuer)
        except OSError as e:
            raise PipelineError(
                f"无法创建示例签名证书 {folder}：{e} / cannot create the demo signer {folder}: {e}"
            ) from e
    return folder


def _create(folder: Path, issuer: str) -> None:
    """Write the folder's files elsewhere and rename it into place; if another run won, keep its."""
    staging = Path(tempfile.mkdtemp(prefix=f"{DEMO_DIR}-", dir=folder.parent))
    try:
        _write_files(staging, issuer)
        os.rename(staging, folder)  # refuses a non-empty folder: the first run to get here wins
    except OSError:
        if not (folder / SIGNER_FILE).is_file():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_files(folder: Path, issuer: str) -> None:
    """Write a CA certificate, a signer certified by it with its key, and the README."""
    ca_key, signer_key = (rsa.generate_private_key(65537, 2048) for _ in range(2))
    ca_name = _name("示例根证书 DEMO CA — 非正式用途 not for official use", issuer)
    ca = _certificate(ca_name, ca_name, ca_key, ca_key, signer=False)
    signer_name = _name(f"示例签名 DEMO — {issuer}", issuer)
    signer = _certificate(signer_name, ca_name, signer_key, ca_key, signer=True)
    (folder / CA_FILE).write_bytes(ca.public_bytes(Encoding.PEM))
    bundle = pkcs12.serialize_key_and_certificates(None, signer_key, signer, [ca], NoEncryption())
    (folder / SIGNER_FILE).write_bytes(bundle)
    (folder / README_FILE).write_text(README, encoding="utf-8")


def _name(common_name: str, issuer: str) -> x509.Name:
    """Return a subject of the issuer's that says, even when cut short, it is a demonstration."""
    fitted = common_name.encode()[:CN_BYTES].decode(errors="ignore")
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{issuer}（示例）"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "仅供演示 not for official use"),
            x509.NameAttribute(NameOID.COMMON_NAME, fitted),
        ]
    )


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer_key: rsa.RSAPrivateKey,
    signer: bool,
) -> x509.Certificate:
    """Return a certificate for the key: a CA's when not `signer`, else a document signer's."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_UNTIL)
        .add_extension(x509.BasicConstraints(ca=not signer, path_length=None), critical=True)
        .add_extension(_key_usage(signer), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _key_usage(signer: bool) -> x509.KeyUsage:
    """Return a signer's usage (signatures, non-repudiation) or a CA's (certificates, CRLs)."""
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )
