"""The whole year in a real browser: Debian's Chromium, driven by Playwright, on the station.

One campaign goes from the plan to the verified archive through the pages only: the clerk imports
the secretaries from XLSX and makes the pre-meeting pack; two clerks double-enter 40 returned
sheets with one deliberate difference that a third reading settles; the scans of two secretaries'
sheets are uploaded, read, and their doubtful page decided; the committee overrides a grade with
its reason; the results are made and verified. The results must be the command line's on the same
ballots, and every page is photographed for docs/station.md.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

import scanlab
from browser import VIEWPORT, chromium, screenshots, served
from helpers import DATA
from paper import DOUBTFUL, drop_typed, scanned_stack, typed_ballots
from stationkit import ACCOUNTS, password

ENTERED = 40  # sheets of 上述 the two clerks type in the browser
SCANNED = "s01"  # whose sheets come back as scans
DIFFERENT = 7  # the entered sheet clerk2 reads differently
OVERRIDE = ("s05", "好", "述职评议后，党委结合年度专项督查结果综合研判")
SHOT_HEIGHT = 1400
WAIT = 180_000  # ms: a run of forms or letters on the sample


def _ballot_files() -> dict[str, tuple[list[dict], str]]:
    """The sample's ballot files: name → (rows, encoding) (下评.csv is GB18030, as Excel saves it)."""
    from generator.load.ballots.tables import decode

    found = {}
    for path in sorted((DATA / "ballots").glob("*.csv")):
        raw = path.read_bytes()
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
        found[path.name] = (list(csv.DictReader(io.StringIO(decode(raw)))), encoding)
    return found


def _write_ballots(folder: Path, files: dict[str, tuple[list[dict], str]]) -> None:
    for name, (rows, encoding) in files.items():
        with open(folder / name, "w", encoding=encoding, newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


class Year:
    """The campaign of the test: what the browser must enter, and what the CLI makes of it."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.out = root / "output"
        shutil.copytree(DATA, self.data, ignore=shutil.ignore_patterns(".station", ".demo-signer"))
        files = _ballot_files()
        upper, _ = files["上述.csv"]
        candidates = [b for b in upper if b["secretary_id"] != SCANNED]
        self.entered = sorted(candidates, key=lambda b: b["ballot_id"])[:ENTERED]
        keys = {b["ballot_id"] for b in self.entered}
        kept = {
            name: ([b for b in rows if b["ballot_id"] not in keys], encoding)
            for name, (rows, encoding) in files.items()
        }
        _write_ballots(self.data / "ballots", kept)
        self.typed = {b["ballot_id"]: b for rows, _ in files.values() for b in rows}
        self.expected = self._expected()

    def _expected(self) -> dict:
        """Score the same ballots typed, with the override, on the command line's own path."""
        from generator.pipeline.forms import run_forms
        from generator.pipeline.letters import score

        typed = self.root / "typed"
        shutil.copytree(
            DATA, typed / "data", ignore=shutil.ignore_patterns(".station", ".demo-signer")
        )
        _override(typed / "data" / "assessment.yaml")
        run_forms(typed / "data", typed / "output")
        results = json.loads(score(typed / "data", typed / "output").results.to_json())
        results.pop("files")
        return results


def _override(path: Path) -> None:
    import yaml

    assessment = yaml.safe_load(path.read_text(encoding="utf-8"))
    secretary, grade, reason = OVERRIDE
    assessment[secretary] = {**assessment.get(secretary, {}), "grade": grade, "reason": reason}
    path.write_text(
        yaml.safe_dump(assessment, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Year:
    return Year(tmp_path_factory.mktemp("station-year"))


def test_the_year_in_the_browser(year: Year, tmp_path: Path):
    from generator.station.accounts import add_user
    from generator.station.app import create_app
    from generator.station.store import database_url, open_store

    engine = open_store(database_url(year.data))
    for name, role in ACCOUNTS.items():
        add_user(engine, name, role, password(name))
    app = create_app(year.data, year.out, engine)
    shots = screenshots(tmp_path / "screenshots")
    with served(app) as address, chromium() as browser:
        station = Station(browser, address, shots)
        station.login_page()
        clerk = station.as_user("clerk1")
        station.import_secretaries(clerk, tmp_path)
        station.make_forms(clerk)
        station.double_entry(year)
        station.scan(clerk, year, tmp_path)
        station.assess()
        station.letters_and_verify(clerk)
    results = json.loads((year.out / "results.json").read_text(encoding="utf-8"))
    files = results.pop("files")
    assert any(f.endswith("ballots/录入.csv") for f in files), files
    assert results == year.expected


class Station:
    """The pages as the people use them."""

    def __init__(self, browser, address: str, shots: Path):
        self.browser, self.address, self.shots = browser, address, shots

    def as_user(self, name: str):
        context = self.browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{self.address}/")
        assert "/login" in page.url
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", password(name))
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.address}/")
        return page

    def shot(self, page, name: str) -> None:
        """Photograph the page's top (at most SHOT_HEIGHT pixels) in 256 colours, for the docs."""
        from PIL import Image

        height = min(SHOT_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
        picture = Image.open(io.BytesIO(page.screenshot(full_page=True, clip=clip)))
        path = self.shots / f"station-{name}.png"
        picture.convert("RGB").quantize(256).save(path, optimize=True)

    def login_page(self) -> None:
        context = self.browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{self.address}/prepare/")
        assert "/login" in page.url
        self.shot(page, "login")
        page.fill("input[name=name]", "clerk1")
        page.fill("input[name=password]", "wrong password")
        page.click("button[type=submit]")
        assert "用户名或密码不正确" in page.inner_text("main")
        context.close()

    def wait_for_job(self, page) -> None:
        """Wait until the page's job box says the run is over, and say it succeeded."""
        page.wait_for_selector(".job .state.ok, .job .state.bad", timeout=WAIT)
        state = page.inner_text(".job .state")
        assert state == "已完成", page.inner_text(".job pre.log")

    def import_secretaries(self, page, folder: Path) -> None:
        """Export the roster to XLSX and import it back, as a clerk who edits it in Excel does."""
        page.click("nav >> text=方案与名单")
        assert page.input_value("#f-year") == "2022"
        self.shot(page, "plan")
        page.click("#tab-secretaries")
        with page.expect_download() as download:
            page.click("#export-secretaries")
        workbook = folder / "书记名单.xlsx"
        download.value.save_as(workbook)
        page.set_input_files("#import-workbook", str(workbook))
        page.click("#import-button")
        assert "19" in page.inner_text("#import-done")
        assert page.locator("#secretaries tbody tr").count() == 19
        self.shot(page, "plan-secretaries")
        page.click("#tab-notice")
        page.fill("#notice-text", page.input_value("#notice-text") + "\n")
        page.wait_for_selector("#preview-pages img", timeout=60_000)
        self.shot(page, "plan-notice")

    def make_forms(self, page) -> None:
        page.click("nav >> text=会前材料")
        page.click("button:has-text('生成会前材料')")
        page.wait_for_selector(".job progress")
        self.wait_for_job(page)
        with page.expect_download() as download:
            page.click("text=全部下载（ZIP）")
        names = _zip_names(download.value.path())
        assert "forms/ballots-issued.csv" in names and any(n.endswith("通知.pdf") for n in names)
        self.shot(page, "prepare")
        page.click("text=重新发放选票编号…")
        assert "张选票全部作废" in page.inner_text("main")
        self.shot(page, "reissue")
        page.click("main >> text=取消")

    def double_entry(self, year: Year) -> None:
        """Two clerks type the same 40 sheets blind; clerk2 misreads one; the admin, who typed
        neither, settles it from clerk1's reading, which is the paper's."""
        different = year.entered[DIFFERENT]
        for name in ("clerk1", "clerk2"):
            page = self.as_user(name)
            page.click("nav >> text=录入")
            for ballot in year.entered if name == "clerk1" else year.entered[::-1]:
                misread = name == "clerk2" and ballot is different
                self.enter(page, ballot, misread)
            assert page.locator("#my-entries tbody tr").count() == ENTERED
            if name == "clerk2":
                self.shot(page, "entry")
            page.context.close()
        page = self.as_user("admin1")
        page.click("nav >> text=录入")
        page.click("#tab-compare")
        serial = different["ballot_id"]
        readings = page.inner_text(f"#readings-{serial}")
        assert different["score"] in readings and _misread(different["score"]) in readings
        self.shot(page, "entry-compare")
        page.click(f"#decide-{serial} >> text=照 clerk1 的录入填写")
        assert page.input_value(f"#decide-{serial}-score") == different["score"]
        page.click(f"#decide-save-{serial}")
        page.wait_for_load_state()
        assert page.inner_text("#count-written").strip() == str(ENTERED)
        page.click("nav >> text=账号")
        assert page.locator("table tbody tr").count() == len(ACCOUNTS)
        self.shot(page, "users")
        page.click("text=述职评议考核工作站")
        self.shot(page, "home")
        page.context.close()

    def enter(self, page, ballot: dict, misread: bool) -> None:
        """Type one sheet: its serial, Enter, then what the paper says, and save."""
        page.fill("#serial", ballot["ballot_id"])
        page.press("#serial", "Enter")
        page.wait_for_selector("#entry-form")
        assert page.inner_text("#sheet-source") == ballot["source"]
        page.check(f"#entry-status-{ballot['status']}")
        score = ballot["score"]
        page.fill("#entry-score", _misread(score) if misread else score)
        page.fill("#entry-problems", ballot["problems"])
        page.fill("#entry-suggestions", ballot["suggestions"])
        page.click("#entry-save")
        page.wait_for_selector(f"#mine-{ballot['ballot_id']}")

    def scan(self, page, year: Year, folder: Path) -> None:
        """A stack of s01's sheets comes back on paper: upload, read, decide, transcribe."""
        stack, cases = scanned_stack(scanlab.Forms(year.out), typed_ballots(year.data), folder)
        drop_typed(year.data, set(cases))
        page.click("nav >> text=扫描")
        page.set_input_files("#scan-files", str(stack))
        page.click("#scan-upload-submit")
        page.click("#scan-run-submit")
        self.wait_for_job(page)
        self.shot(page, "scanning")
        page.click("#review-start")
        unread = next(serial for serial, case in cases.items() if case == "qr_unreadable")
        for _ in range(len(DOUBTFUL)):
            page.wait_for_selector("#scan-decision")
            heading = page.inner_text("h1")
            if "二维码未识别" in heading:
                self.shot(page, "scanning-review")
                page.fill("#decision-serial", unread)
                page.fill("#decision-score", year.typed[unread]["score"])
                page.click("#decide-typed")
                continue
            serial = heading.split("：", 1)[1].strip()
            key = page.get_attribute(f"#decide-{year.typed[serial]['score']}", "data-key")
            page.keyboard.press(key)  # one key decides
            page.wait_for_load_state()
        page.goto(f"{self.address}/scanning/")
        page.click("#scan-run-submit")
        self.wait_for_job(page)
        assert "扫描件已全部读取并判定" in page.inner_text("main")
        page.goto(f"{self.address}/scanning/texts")
        self.shot(page, "scanning-texts")
        serials = [
            section.get_attribute("id").removeprefix("ballot-")
            for section in page.locator("section.ballot-texts").all()
        ]
        assert serials
        for serial in serials:  # each save lists the ones still to type
            for field in ("problems", "suggestions"):
                box = page.locator(f"#text-{serial}-{field}")
                if box.count():
                    box.fill(year.typed[serial][field])
            page.click(f"#text-{serial}-save")
            page.wait_for_load_state()
        assert "全部已转录" in page.inner_text("main")

    def assess(self) -> None:
        page = self.as_user("committee1")
        page.click("nav >> text=评定")
        assert page.locator("#grading-table").is_visible()
        self.shot(page, "grading")
        secretary, grade, reason = OVERRIDE
        page.click(f"#open-{secretary}")
        page.select_option("#grade", grade)
        page.fill("#reason", reason)
        page.click("#save-assessment")
        page.wait_for_selector("#notice")
        assert page.inner_text("#result-grade").strip().startswith(grade)
        self.shot(page, "grading-secretary")

    def letters_and_verify(self, page) -> None:
        page.click("nav >> text=结果与归档")
        page.click("button:has-text('生成结果与归档')")
        self.wait_for_job(page)
        page.click("button:has-text('核验归档')")
        assert page.inner_text("#verdicts").endswith("全部通过")
        self.shot(page, "archive")


def _misread(score: str) -> str:
    return str(int(score) - 1 if int(score) > 1 else 2)


def _zip_names(path) -> set[str]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())
