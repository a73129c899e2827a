"""Check a signed archive: the manifest's hashes, every PDF signature and the PDF/A markers."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from xml.etree import ElementTree

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

MANIFEST = "archive/manifest.json"
VALID, NONE, INVALID, NA = "有效 valid", "无 none", "无效 invalid", "—"
MATCH, CHANGED, MISSING, ADDED = "一致 match", "已改变 changed", "缺失 missing", "多出 added"
PDFA_OK, PDFA_FAILS = "符合 ok", "不符 fails"

DELETED = "已删除 / deleted"
CONTENT_CHANGED = "内容已改变 / content changed"
FILE_ADDED = "多出的文件 / file added"
MANIFEST_EDITED = (
    "清单与档案内嵌的不一致，已被修改 / differs from the bundle's embedded manifest: edited"
)
NOT_INTACT = "签名后内容被改动（摘要不符） / changed after signing (digest mismatch)"
NOT_VALID = "签名无效 / signature not valid"
NOT_TRUSTED = "签名证书不受信任 / signer not trusted by the given roots"
NOT_COVERED = "签名未覆盖整个文件（签名后有追加修改） / signature does not cover the entire file (update appended)"
UNSIGNED = "应有签名而无 / flagged signed but carries no signature"
OTHER_SIGNER = "签名证书与清单所载不同 / signing certificate differs from the manifest's"
ENCRYPTED = "文件已加密 / encrypted"
NO_XMP = "缺少 XMP 元数据 / no XMP metadata"
NO_OUTPUT_INTENT = "缺少 PDF/A 输出意图 / no PDF/A OutputIntent with a profile"

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class Verdict:
    """How one file of the archive fared; `problems` is empty when it passed."""

    path: str  # relative to OUT
    signature: str  # "有效 valid" / "无 none" / "无效 invalid" / "—"
    hash: str
    pdfa: str
    problems: tuple[str, ...]  # each "中文 / English"

    @property
    def ok(self) -> bool:
        """Say whether the file passed every check."""
        return not self.problems


@dataclass(frozen=True)
class Entry:
    """One output as the manifest lists it."""

    size: int
    sha256: str
    signed: bool
    pdfa: bool


@dataclass(frozen=True)
class Manifest:
    """The parts of manifest.json that verification relies on."""

    raw: bytes
    bundle: str
    signer_sha256: str
    demo: bool
    outputs: dict[str, Entry]
    print_files: frozenset[str]  # destroyed once printed: neither needed nor minded


@dataclass(frozen=True)
class Job:
    """One file to check, with what the manifest says of it (entry None: not listed)."""

    out_dir: Path
    path: str
    entry: Entry | None
    signer_sha256: str
    trust_ders: tuple[bytes, ...]
    is_bundle: bool = False


@dataclass
class PdfFindings:
    """What opening one PDF found: column values, problems, the embedded manifest."""

    signature: str = NA
    pdfa: str = NA
    problems: list[str] = field(default_factory=list)
    manifest: bytes | None = None


class ManifestError(Exception):
    """manifest.json is missing or cannot be used."""


def verify_archive(out_dir: Path, trust_roots: list) -> list[Verdict]:
    """Return one verdict per file of the archive under out_dir, sorted by path."""
    if not out_dir.is_dir():
        return [_failure(out_dir.as_posix(), "输出目录不存在 / output folder not found")]
    try:
        manifest = read_manifest(out_dir)
    except ManifestError as e:
        return [_failure(MANIFEST, str(e))]
    ders = tuple(root.dump() for root in trust_roots)
    jobs = _jobs(out_dir, manifest, ders)
    verdicts, bundle_manifest = _run(jobs)
    verdicts.append(_manifest_verdict(manifest, bundle_manifest))
    return sorted(verdicts, key=lambda v: v.path)


def is_demo(out_dir: Path) -> bool:
    """Say whether the manifest declares a demonstration signer (False if it is unreadable)."""
    try:
        return read_manifest(out_dir).demo
    except ManifestError:
        return False


def read_manifest(out_dir: Path) -> Manifest:
    """Return the manifest under out_dir, or raise ManifestError saying what is wrong."""
    path = out_dir / MANIFEST
    if not path.is_file():
        raise ManifestError("清单缺失 / manifest.json missing")
    raw = path.read_bytes()
    try:
        data = json.loads(raw)
        outputs = dict(_entry(item) for item in data["outputs"])
        signer = data["signer"]
        bundle, demo = _inside(data["bundle"]), signer["demo"] is True
        printed = frozenset(_inside(path) for path in data.get("print_files", []))
        return Manifest(raw, bundle, signer["sha256"].lower(), demo, outputs, printed)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ManifestError(f"清单无法解析 / manifest.json unreadable: {e!r}") from e


def _entry(item: dict) -> tuple[str, Entry]:
    """Return one output's path and entry; a value of the wrong type raises."""
    sha256, signed, pdfa = item["sha256"].lower(), item["signed"] is True, item["pdfa"] is True
    return _inside(item["path"]), Entry(item["size"], sha256, signed, pdfa)


def _inside(path_text: str) -> str:
    """Return a manifest path, refusing one that is not relative or leaves the output folder."""
    path = PurePosixPath(path_text)
    if not path_text or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"路径越界 / path outside the output folder: {path_text}")
    return path_text


def _jobs(out_dir: Path, manifest: Manifest, ders: tuple[bytes, ...]) -> list[Job]:
    """Return a job for the bundle, every listed file and every unlisted file."""
    present = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    present -= {MANIFEST, manifest.bundle, *manifest.print_files}
    paths = sorted(present | manifest.outputs.keys())
    bundle = Job(out_dir, manifest.bundle, None, manifest.signer_sha256, ders, is_bundle=True)
    jobs = [Job(out_dir, p, manifest.outputs.get(p), manifest.signer_sha256, ders) for p in paths]
    return [bundle, *jobs]  # the longest first, while the other core shares out the rest


def _run(jobs: list[Job]) -> tuple[list[Verdict], bytes | None]:
    """Check every job on two cores; return the verdicts and the bundle's embedded manifest."""
    context = multiprocessing.get_context("fork")
    workers = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        results = list(pool.map(check_file, jobs, chunksize=4))
    bundle_manifest = next((m for _, m in results if m is not None), None)
    return [verdict for verdict, _ in results], bundle_manifest


def _manifest_verdict(manifest: Manifest, embedded: bytes | None) -> Verdict:
    """Return the verdict on manifest.json: it must equal the copy signed into the bundle."""
    if embedded is None:
        problem = "档案中没有内嵌清单，无法核对 / the bundle embeds no manifest.json to compare"
        return _failure(MANIFEST, problem)
    if embedded != manifest.raw:
        return Verdict(MANIFEST, NA, CHANGED, NA, (MANIFEST_EDITED,))
    return Verdict(MANIFEST, NA, MATCH, NA, ())


def _failure(path: str, problem: str) -> Verdict:
    """Return a failed verdict with nothing else to say."""
    return Verdict(path, NA, NA, NA, (problem,))


def check_file(job: Job) -> tuple[Verdict, bytes | None]:
    """Check one file; return its verdict and, for the bundle, the manifest embedded in it."""
    path = job.out_dir / job.path
    if not path.is_file():
        return Verdict(job.path, NA, MISSING, NA, (DELETED,)), None
    hash_column, problems = _hash_check(job.entry, path, job.is_bundle)
    findings = check_pdf(path, job) if path.suffix.lower() == ".pdf" else PdfFindings()
    verdict = Verdict(
        job.path, findings.signature, hash_column, findings.pdfa, (*problems, *findings.problems)
    )
    return verdict, findings.manifest


def _hash_check(entry: Entry | None, path: Path, is_bundle: bool) -> tuple[str, list[str]]:
    """Compare size and SHA-256 with the manifest; the bundle is guarded by its signature."""
    if is_bundle:
        return NA, []
    if entry is None:
        return ADDED, [FILE_ADDED]
    size = path.stat().st_size
    if size != entry.size or _sha256(path) != entry.sha256:
        return CHANGED, [CONTENT_CHANGED]
    return MATCH, []


def _sha256(path: Path) -> str:
    """Return the file's SHA-256, reading it in chunks."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def check_pdf(path: Path, job: Job) -> PdfFindings:
    """Check the PDF's signatures (pyHanko) and, if claimed, its PDF/A markers (pypdf: faster).

    Both read the file as they need it, not whole: the bundle of a county is gigabytes.
    """
    with path.open("rb") as first, path.open("rb") as second:
        return _check_pdf(first, second, job)


def _check_pdf(stream: BinaryIO, again: BinaryIO, job: Job) -> PdfFindings:
    wants_signature = job.is_bundle or (job.entry is not None and job.entry.signed)
    wants_pdfa = job.is_bundle or (job.entry is not None and job.entry.pdfa)
    findings = PdfFindings()
    try:
        signed = PdfFileReader(stream)
        if signed.encrypted:
            findings.problems.append(ENCRYPTED)
            return _unreadable_columns(findings, wants_signature, wants_pdfa)
        _check_signatures(signed, job, wants_signature, findings)
        root = PdfReader(again).trailer["/Root"]
        if wants_pdfa:
            problems = pdfa_problems(root)
            findings.pdfa = PDFA_FAILS if problems else PDFA_OK
            findings.problems.extend(problems)
        if job.is_bundle:
            findings.manifest = embedded_file(root, "manifest.json")
    except Exception as e:  # any damage the parsers trip on is a verdict, not a crash
        findings.problems.append(f"PDF 无法解析 / unreadable PDF: {e}")
        return _unreadable_columns(findings, wants_signature, wants_pdfa)
    return findings


def _unreadable_columns(findings: PdfFindings, signature: bool, pdfa: bool) -> PdfFindings:
    """Mark the columns of the checks a damaged or encrypted PDF could not pass."""
    findings.signature = INVALID if signature else NA
    findings.pdfa = PDFA_FAILS if pdfa else NA
    return findings


def _check_signatures(reader, job: Job, required: bool, findings: PdfFindings) -> None:
    """Validate every signature: the newest must cover the whole file, older ones their revision."""
    signatures = reader.embedded_signatures
    if not signatures:
        findings.signature = NONE
        if required:
            findings.problems.append(UNSIGNED)
        return
    problems: list[str] = []
    for index, signature in enumerate(signatures):
        newest = index == len(signatures) - 1
        try:
            problems.extend(signature_problems(signature, job, newest))
        except Exception as e:  # a malformed signature is a verdict, not a crash
            problems.append(f"签名无法验证 / signature cannot be validated: {e}")
    findings.signature = INVALID if problems else VALID
    findings.problems.extend(dict.fromkeys(problems))


def signature_problems(signature, job: Job, newest: bool) -> list[str]:
    """Return what is wrong with one embedded signature."""
    context = ValidationContext(
        trust_roots=[x509.Certificate.load(der) for der in job.trust_ders],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    status = validate_pdf_signature(signature, context, skip_diff=True)
    needed = (
        SignatureCoverageLevel.ENTIRE_FILE if newest else SignatureCoverageLevel.ENTIRE_REVISION
    )
    checks = [
        (status.intact, NOT_INTACT),
        (status.valid, NOT_VALID),
        (status.trusted or not (status.intact and status.valid), NOT_TRUSTED),
        (status.coverage is not None and status.coverage >= needed, NOT_COVERED),
        (status.signing_cert.sha256.hex() == job.signer_sha256, OTHER_SIGNER),
    ]
    return [problem for passed, problem in checks if not passed]


def pdfa_problems(root) -> list[str]:
    """Return why a catalog (pypdf) is not PDF/A-3b: identification, output intent, fonts."""
    problems = _identification_problems(root)
    if not any(
        _get(intent, "/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        for intent in _each(_get(root, "/OutputIntents"))
    ):
        problems.append(NO_OUTPUT_INTENT)
    problems.extend(
        f"字体未嵌入 / font not embedded: {name}" for name in sorted(unembedded_fonts(root))
    )
    return problems


def _identification_problems(root) -> list[str]:
    """Check the XMP pdfaid: part 3, conformance B."""
    metadata = _get(root, "/Metadata")
    if metadata is None:
        return [NO_XMP]
    part, conformance = xmp_pdfaid(metadata.get_data())
    if (part, (conformance or "").upper()) != ("3", "B"):
        return [
            "XMP 未声明 PDF/A-3b / XMP does not claim PDF/A-3b: "
            f"pdfaid:part {part}, pdfaid:conformance {conformance}"
        ]
    return []


def xmp_pdfaid(xmp: bytes) -> tuple[str | None, str | None]:
    """Return pdfaid:part and pdfaid:conformance from XMP, in attribute or element form."""
    found: dict[str, str] = {}
    for element in ElementTree.fromstring(xmp.strip(b" \t\r\n\x00")).iter():
        for name in ("part", "conformance"):
            value = element.get(PDFAID + name)
            if element.tag == PDFAID + name:
                value = element.text or ""
            if value is not None:
                found.setdefault(name, value.strip())
    return found.get("part"), found.get("conformance")


def unembedded_fonts(root) -> set[str]:
    """Return the names of fonts used by pages, Form XObjects or annotations and not embedded."""
    missing: set[str] = set()
    _walk_page_tree(root.raw_get("/Pages"), set(), missing)
    return missing


def _walk_page_tree(node_ref, seen: set, missing: set[str]) -> None:
    """Visit every page-tree node's resources (inherited ones included) and annotations."""
    node = _first_visit(node_ref, seen)
    if node is None:
        return
    _walk_resources(_raw(node, "/Resources"), seen, missing)
    for annotation in _each(_get(node, "/Annots")):
        for stream in _appearance_streams(_get(_get(annotation, "/AP", {}), "/N")):
            _walk_resources(_raw(stream, "/Resources"), seen, missing)
    kids = _get(node, "/Kids", ())
    for kid in kids:
        _walk_page_tree(kid, seen, missing)
    if kids and _get(_first_kid(kids), "/Type") == "/Page":
        _forget(node_ref)  # a run of pages done: let the reader drop what it parsed for them


def _first_kid(kids):
    return kids[0].get_object() if hasattr(kids[0], "get_object") else kids[0]


def _forget(reference) -> None:
    """Empty the reader's cache of parsed objects, so that a big PDF's walk stays small."""
    cache = getattr(getattr(reference, "pdf", None), "resolved_objects", None)
    if isinstance(cache, dict):
        cache.clear()


def _appearance_streams(appearance) -> list:
    """Return an /AP /N entry's streams: a stream itself or a dictionary of appearance states."""
    if isinstance(appearance, StreamObject):
        return [appearance]
    if appearance is None:
        return []
    return [s for s in (appearance[k] for k in appearance) if isinstance(s, StreamObject)]


def _walk_resources(resources_ref, seen: set, missing: set[str]) -> None:
    """Check a resource dictionary's fonts and descend into its Form XObjects."""
    resources = _first_visit(resources_ref, seen)
    if resources is None:
        return
    for font_ref in _get(resources, "/Font", {}).values():
        font = _first_visit(font_ref, seen)
        if font is not None and not _embedded(font):
            missing.add(str(_get(font, "/BaseFont", "?")).lstrip("/"))
    for xobject_ref in _get(resources, "/XObject", {}).values():
        xobject = _first_visit(xobject_ref, seen)
        if xobject is not None and _get(xobject, "/Subtype") == "/Form":
            _walk_resources(_raw(xobject, "/Resources"), seen, missing)


def _first_visit(obj, seen: set):
    """Return the resolved object the first time an indirect object is met, else None."""
    if isinstance(obj, IndirectObject):
        if (obj.idnum, obj.generation) in seen:
            return None
        seen.add((obj.idnum, obj.generation))
    return None if obj is None else obj.get_object()


def _embedded(font) -> bool:
    """Say whether a font carries its program (Type3 glyphs are content streams)."""
    if _get(font, "/Subtype") == "/Type3":
        return True
    if _get(font, "/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = _get(font, "/FontDescriptor", {})
    return any(key in descriptor for key in FONT_FILES)


def embedded_file(root, name: str) -> bytes | None:
    """Return the bytes of the catalog's embedded or associated file called `name`, or None."""
    specs = _each(_get(root, "/AF"))
    tree = _get(_get(root, "/Names", {}), "/EmbeddedFiles")
    if tree is not None:
        specs.extend(_name_tree_values(tree))
    for spec in specs:
        if name in (_get(spec, "/UF"), _get(spec, "/F")) and "/EF" in spec:
            streams = spec["/EF"]
            return _get(streams, "/UF", _get(streams, "/F")).get_data()
    return None


def _name_tree_values(node) -> list:
    """Return every value of a name tree, leaves and kids alike."""
    values = _each(_get(node, "/Names"))[1::2]
    for kid in _each(_get(node, "/Kids")):
        values.extend(_name_tree_values(kid))
    return values


def _get(dictionary, key: str, default=None):
    """Return a dictionary's value resolved (pypdf's .get leaves references unresolved)."""
    try:
        return dictionary[key]
    except KeyError:
        return default


def _raw(dictionary, key: str):
    """Return a dictionary's value unresolved, so a shared object is visited once."""
    return dictionary.raw_get(key) if key in dictionary else None


def _each(array) -> list:
    """Return an array's items resolved (iterating a pypdf array leaves references)."""
    return [] if array is None else [item.get_object() for item in array]


def verdict_table(verdicts: list[Verdict]) -> str:
    """Return the verdicts as an aligned table, a summary line and every problem by file."""
    header = ("文件 file", "签名 signature", "哈希 hash", "PDF/A", "结论 verdict")
    rows = [header] + [
        (v.path, v.signature, v.hash, v.pdfa, "通过 pass" if v.ok else "失败 FAIL")
        for v in verdicts
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = sum(not v.ok for v in verdicts)
    lines.append("")
    lines.append(
        f"共 {len(verdicts)} 个文件，通过 {len(verdicts) - failed}，失败 {failed} / "
        f"{len(verdicts)} files: {len(verdicts) - failed} passed, {failed} failed"
    )
    lines.extend(f"{v.path}: {problem}" for v in verdicts for problem in v.problems)
    return "\n".join(lines)


def _width(text: str) -> int:
    """Return the columns a terminal gives text: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    """Left-align text in a column `width` terminal columns wide."""
    return text + " " * (width - _width(text))
