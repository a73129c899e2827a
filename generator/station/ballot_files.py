"""DIR/ballots/ as the entry page sees it: the serials other files hold, and uploaded files.

An upload (the two tally workbooks, or a contract-format file) is checked by `letters`' own
reader on the folder as it would be with the file in it: only the problems the file brings are
shown, and then nothing is written. A tally workbook keeps its entry's name (计票表-录入A.xlsx),
so a corrected workbook replaces the one before; any other file is named by its content's digest,
so the same file uploaded twice is kept once. A file is set aside into the station's folder,
never deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..load.ballots import Collected, collect_ballots
from ..load.ballots.double_entry import ENTRY, is_tally_workbook
from ..load.ballots.reading import FOLDER, READ, SKIPPED_PREFIXES
from ..load.ballots.scanned import SCANNED, SHEETS
from ..load.folder import DataFolder
from ..load.secret import read_secret
from ..load.workbooks import open_workbook
from ..model.errors import InputError, Problem
from .comparison import ENTERED
from .files import Upload, write_atomically
from .memo import FileMemo
from .sheets import Issued, campaign_files
from .store import STATION_FOLDER, now

UPLOADED = "上传-"  # the stem's start of a contract-format file the station took
TALLY = "计票表-录入{entry}.xlsx"
TALLIES = {TALLY.format(entry=e) for e in "AB"}
SET_ASIDE = "set-aside"  # under DIR/.station/: files taken out of ballots/
INCOMPLETE = "double entry incomplete"  # the loader's word for a lone tally workbook


class FolderView(DataFolder):
    """The data folder with one ballot file added, replaced (content) or hidden (None).

    Files are shown as the command line shows them, from the data folder's own name.
    """

    def __init__(self, root: Path, name: str | None = None, content: bytes | None = None):
        super().__init__(root)
        self.changed, self.content = (f"{FOLDER}/{name}" if name else None), content

    def shown(self, relative: str) -> str:
        return f"{self.root.name}/{relative}"

    def names(self, folder: str) -> list[str] | None:
        names = super().names(folder)
        if folder != FOLDER or self.changed is None:
            return names
        found = set(names or ()) - {Path(self.changed).name}
        if self.content is not None:
            found.add(Path(self.changed).name)
        return sorted(found)

    def is_file(self, relative: str) -> bool:
        if relative == self.changed:
            return self.content is not None
        return super().is_file(relative)

    def read(self, relative: str) -> bytes:
        if relative == self.changed and self.content is not None:
            return self.content
        return super().read(relative)


_held: FileMemo[dict[str, str]] = FileMemo()


def elsewhere(data_dir: Path, out_dir: Path, issued: Issued) -> dict[str, str]:
    """Return serial → FILE:WHERE of every ballot another file (or `scan`) already holds:
    `letters` would refuse that serial typed again."""
    if issued.data is None:
        return {}
    view = FolderView(data_dir, ENTERED, None)
    names = view.names(FOLDER) or []
    paths = [data_dir / FOLDER / name for name in names] + [out_dir / SCANNED, out_dir / SHEETS]
    paths += campaign_files(data_dir, out_dir)

    def held() -> dict[str, str]:
        return {b.serial: b.located for b in _collect(view, out_dir, issued).ballots}

    return _held.get((data_dir, out_dir), paths, held)


def _collect(view: DataFolder, out_dir: Path, issued: Issued) -> Collected:
    assert issued.data is not None
    data = issued.data
    return collect_ballots(view, out_dir, data.campaign, data.secretaries, read_secret(view.root))


@dataclass(frozen=True, slots=True)
class Checked:
    """An upload checked: the name it is kept under, its problems (none: it may be kept), and
    a note for the clerk."""

    name: str
    problems: tuple[str, ...]
    note: str


def check_upload(
    data_dir: Path, out_dir: Path, issued: Issued, upload: Upload, being_entered: set[str]
) -> Checked:
    """Return what keeping the upload in DIR/ballots/ would bring: `letters`' problems with it,
    and the serials it holds that clerks are entering on the entry page."""
    try:
        name = station_name(upload)
    except InputError as e:
        return Checked("", tuple(str(p) for p in e.problems), "")
    if issued.data is None:
        return Checked(name, issued.problems, "")
    before = _collect(FolderView(data_dir), out_dir, issued)
    view = FolderView(data_dir, name, upload.content)
    after = _collect(view, out_dir, issued)
    known = set(before.problems)
    new = [p for p in after.problems if p not in known]
    lone = [p for p in new if p.field == "entry" and p.en.startswith(INCOMPLETE)]
    problems = [str(p) for p in new if p not in lone]
    added = {b.serial for b in after.ballots} - {b.serial for b in before.ballots}
    problems += [_being_entered(view, name, serial) for serial in sorted(added & being_entered)]
    shown = view.shown(f"{FOLDER}/{name}")
    if lone:
        note = (
            f"已保存为 {shown}；{lone[0].zh}，另一份上传后逐格比对 / "
            f"kept; {lone[0].en}: the two are compared cell by cell once the other is uploaded"
        )
    else:
        note = f"已保存为 {shown}，读取无误 / kept, read without problems"
    return Checked(name, tuple(problems), note)


def _being_entered(view: DataFolder, name: str, serial: str) -> str:
    problem = Problem(
        view.shown(f"{FOLDER}/{name}"),
        "1",
        "ballot_id",
        f"选票 {serial} 正在录入页录入，不能再由文件计入",
        f"ballot {serial} is being entered on the entry page: it cannot come from a file too",
    )
    return str(problem)


def station_name(upload: Upload) -> str:
    """Return the name the station keeps an upload under: a tally workbook by its entry letter
    (from its title, or the name it came with), any other file by its content's digest."""
    if upload.kind == "xlsx":
        book = open_workbook(upload.content, upload.label)
        if is_tally_workbook(book):
            found = [ENTRY.search(s) for s in (book.properties.title or "", upload.label)]
            entry = next((m.group(1).upper() for m in found if m), None)
            if entry:
                return TALLY.format(entry=entry)
    return f"{UPLOADED}{upload.digest[:12]}.{upload.kind}"


def keep(data_dir: Path, name: str, content: bytes) -> None:
    write_atomically(data_dir / FOLDER / name, content)


@dataclass(frozen=True, slots=True)
class BallotFile:
    """A file in DIR/ballots/ that `letters` reads."""

    name: str
    size: int

    @property
    def kind(self) -> str:
        if self.name == ENTERED:
            return "录入页写入（双人录入一致或已裁定的选票）"
        if self.name in TALLIES:
            return "计票表（上传）"
        if self.name.startswith(UPLOADED):
            return "选票文件（上传）"
        return "选票文件"

    @property
    def removable(self) -> bool:
        """Say whether the station may set it aside: a file it took, not its own nor another's."""
        return self.name in TALLIES or self.name.startswith(UPLOADED)


def ballot_files(data_dir: Path) -> list[BallotFile]:
    """Return the files of DIR/ballots/ that `letters` reads, by name."""
    folder = data_dir / FOLDER
    if not folder.is_dir():
        return []
    return [
        BallotFile(path.name, path.stat().st_size)
        for path in sorted(folder.iterdir())
        if path.is_file()
        and path.suffix.lower() in READ
        and not path.name.startswith(SKIPPED_PREFIXES)
    ]


def set_aside(data_dir: Path, name: str) -> bool:
    """Move a file the station took out of DIR/ballots/ (into DIR/.station/set-aside/); the
    name must be one the listing shows as removable."""
    found = next((f for f in ballot_files(data_dir) if f.name == name and f.removable), None)
    if found is None:
        return False
    target = data_dir / STATION_FOLDER / SET_ASIDE
    target.mkdir(parents=True, exist_ok=True)
    stamp = re.sub(r"\D", "", now().isoformat())
    (data_dir / FOLDER / found.name).rename(target / f"{stamp}-{found.name}")
    return True
