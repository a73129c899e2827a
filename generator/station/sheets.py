"""The sheets issued, as the entry page checks a typed or scanned serial against them.

The sheets are the register's (`forms/ballots-issued.csv`), else those the campaign's secret
gives, as `letters` checks them: a serial the station accepts is one `letters` accepts. A clerk
types the serial printed on the sheet or lets a barcode reader type the sheet's QR payload
(`SZPY|layout|year|serial|secretary|source|fingerprint`); either way the serial is looked up, and
the page shows whom and which source the sheet is about, to be checked against the paper.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..load.data import CampaignData, load_campaign_data
from ..load.folder import DataFolder
from ..load.register import read_register
from ..load.secret import SECRET_FILE, read_secret
from ..model.ballot import REGISTER
from ..model.ballot_code import PREFIX, parse_code
from ..model.campaign import SEED_SCALE, Scale
from ..model.errors import InputError, Problem
from ..model.serials import fingerprint, issue_ballots
from .entries import EntryRefused
from .memo import FileMemo

BARE = re.compile(r"[0-9A-Z]{4}-?[0-9A-Z]{4}")
SHOWN_MAX = 40  # characters of what was typed, repeated in a message


@dataclass(frozen=True, slots=True)
class Sheet:
    """An issued sheet: what the clerk checks against the paper before typing it."""

    serial: str
    secretary_id: str
    secretary_name: str
    organization: str
    source: str


@dataclass(frozen=True, slots=True)
class Issued:
    """The campaign's issued sheets, its scale, and what tells its QR codes from another's."""

    sheets: dict[str, Sheet]
    scale: Scale
    year: int
    fingerprint: str | None  # None without the secret: the register alone vouches for serials
    problems: tuple[str, ...]  # why nothing can be entered yet; empty when all is well
    data: CampaignData | None = None  # the campaign and its secretaries, when they load


_issued: FileMemo[Issued] = FileMemo()
READ_FROM = ("campaign.yaml", "secretaries.yaml", "secretaries.xlsx", SECRET_FILE, "texts")


def load_issued(data_dir: Path, out_dir: Path) -> Issued:
    """Return the sheets issued for the campaign in the data folder (read again only when one
    of the files they come from changed)."""
    paths = campaign_files(data_dir, out_dir)
    return _issued.get((data_dir, out_dir), paths, lambda: _read_issued(data_dir, out_dir))


def campaign_files(data_dir: Path, out_dir: Path) -> list[Path]:
    """Return the files the sheets issued are read from."""
    return [data_dir / name for name in READ_FROM] + [out_dir / REGISTER]


def _read_issued(data_dir: Path, out_dir: Path) -> Issued:
    try:
        data = load_campaign_data(DataFolder(data_dir), plan=False)
    except InputError as e:
        return Issued({}, SEED_SCALE, 0, None, tuple(str(p) for p in e.problems[:20]))
    secret = read_secret(data_dir)
    problems: list[Problem] = []
    register, _ = read_register(out_dir, problems)
    if register is None and secret is not None:
        register = issue_ballots(data.campaign, data.secretaries, secret)
    if register is None or problems:
        reasons = [str(p) for p in problems] or [
            "尚未生成会前材料：没有选票登记表，也没有选票密钥 / "
            "no register and no ballot secret yet: run 会前材料 first"
        ]
        return Issued({}, data.campaign.rules.scale, data.campaign.year, None, tuple(reasons))
    by_id = {s.id: s for s in data.secretaries}
    sheets = {
        b.serial: Sheet(
            b.serial,
            b.secretary_id,
            by_id[b.secretary_id].name if b.secretary_id in by_id else b.secretary_id,
            by_id[b.secretary_id].organization if b.secretary_id in by_id else "",
            b.source,
        )
        for b in register
    }
    mark = fingerprint(secret) if secret is not None else None
    return Issued(sheets, data.campaign.rules.scale, data.campaign.year, mark, (), data)


def find_sheet(typed: str, issued: Issued) -> Sheet:
    """Return the sheet a typed serial or a scanned QR payload names, or refuse it, saying why."""
    text = unicodedata.normalize("NFKC", typed).strip()  # a Chinese IME types ｜ and full-width
    shown = text[:SHOWN_MAX] + ("…" if len(text) > SHOWN_MAX else "")
    if not text:
        raise EntryRefused("请输入或扫描选票编号 / type or scan the sheet's serial")
    code = parse_code(text)
    if code is None and text.upper().startswith(PREFIX + "|"):
        raise EntryRefused(
            f"二维码内容不完整：“{shown}”，请重新扫描 / an incomplete QR payload: scan it again"
        )
    if code is not None and (
        code.year != issued.year or issued.fingerprint not in (None, code.fingerprint)
    ):
        raise EntryRefused(
            "这张选票不属于本次考核（二维码的年度或考核标识不符）/ "
            "this sheet belongs to another campaign (its QR code's year or mark differs)"
        )
    serial = code.serial if code is not None else canonical(text)
    sheet = issued.sheets.get(serial)
    if sheet is None:
        raise EntryRefused(
            f"编号“{shown}”不是本次考核发放的选票：请核对选票上印的编号 / "
            f"{shown!r} is not a serial issued in this campaign: check the number on the sheet"
        )
    if code is not None and (code.secretary_id, code.source) != (sheet.secretary_id, sheet.source):
        raise EntryRefused(
            f"二维码所写的述职人或评议来源与登记表不符（{serial}）：请核对原票 / "
            f"the QR code names another secretary or source than the register ({serial})"
        )
    return sheet


def canonical(text: str) -> str:
    """Return a serial as printed (XXXX-XXXX) from one typed in lower case, spaced or unhyphened."""
    compact = re.sub(r"\s+", "", text).upper()
    if BARE.fullmatch(compact) and "-" not in compact:
        return f"{compact[:4]}-{compact[4:]}"
    return compact


SCAN = Path("scan")
TEXT_BOXES = {"问题和不足": "存在的问题和不足", "意见建议": "意见建议"}


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture `scan` made of a sheet: a text box, or the page awaiting review."""

    label: str
    path: Path


def scan_pictures(out_dir: Path, serial: str) -> list[Picture]:
    """Return the pictures `scan` wrote of a sheet (OUT/scan/text/ and review/), if any.

    `serial` must be an issued one: it is looked up in scan's own lists, never made a path.
    """
    root = out_dir / SCAN
    found = []
    for row in _csv(root / "text" / "index.csv"):
        if row.get("ballot_id") == serial and row.get("content") == "written":
            picture = _inside(root / "text", row.get("image", ""))
            label = TEXT_BOXES.get(row.get("box", ""), row.get("box", ""))
            if picture:
                found.append(Picture(f"扫描件：{label}", picture))
    for number, row in enumerate(_csv(root / "sheets.csv"), start=1):
        if row.get("ballot_id") == serial:
            page = _inside(root / "review", f"{number:05d}.png")
            if page:
                found.append(
                    Picture(f"扫描页：{row.get('file', '')} 第 {row.get('page')} 页", page)
                )
    return found


def _csv(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _inside(folder: Path, name: str) -> Path | None:
    """Return the file of that name if it is one directly in the folder."""
    path = folder / name
    if not name or name.startswith(".") or "/" in name or "\\" in name or not path.is_file():
        return None
    return path
