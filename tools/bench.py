"""`make bench`: the speed of `make forms` and of its documents, beside WeasyPrint's layout alone.

Nothing is asserted: the figures are printed for the closing note and for comparison over time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from markupsafe import Markup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.ballots import ballot_files, sheets_in_meeting_order
from generator.fonts import load_font_map
from generator.forms import FormsRun, load_inputs, render_notice
from generator.serials import issue_ballots
from generator.templating import html_environment

from generator.documents.ballot_sheet import layout_css
from generator.documents.evaluation_form import personal_form
from generator.documents.notice import build_notice
from generator.progress import Progress
from generator.render.parallel import render_batches, split_evenly
from generator.render.pdf import PdfRenderer

FORMS = 100


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def line(label: str, pages: int, seconds: float) -> None:
    print(f"  {label:<44} {pages:>4} pages {seconds:7.2f} s {pages / seconds:8.1f} pages/s")


def main() -> None:
    inputs = load_inputs(Path("data"))
    fonts = load_font_map(inputs.data.campaign.fonts)
    renderer = PdfRenderer(fonts)
    campaign, secretaries = inputs.data.campaign, list(inputs.data.secretaries)
    notice = build_notice(campaign, secretaries, inputs.plan)
    html = html_environment(fonts).get_template("notice.html").render(n=notice)
    renderer.render(html)  # warm up: fonts loaded, caches filled

    print("通知 (one document, two layouts to place the 版记):")
    document, layout_s = timed(lambda: renderer.layout(html))
    pages = len(document.pages)
    line("layout only (one layout)", pages, layout_s)
    _, full_s = timed(lambda: render_notice(renderer, notice))
    line("PDF (two layouts + write)", pages, full_s)

    forms = [
        personal_form(campaign, secretaries, secretaries[i % len(secretaries)])
        for i in range(FORMS)
    ]
    template = html_environment().get_template("evaluation_forms.html")
    batch_html = template.render(forms=forms, title="评议表")
    print(f"{FORMS} one-page 评议表:")
    document, layout_s = timed(lambda: renderer.layout(batch_html))
    line("layout only (one batch)", len(document.pages), layout_s)
    _, one_s = timed(
        lambda: [renderer.render(template.render(forms=[f], title="评议表")) for f in forms]
    )
    line("one at a time (layout + write each)", FORMS, one_s)
    pdfs, batch_s = timed(lambda: renderer.render_batch(batch_html, FORMS))
    line("batched, one core (layout + write + split)", len(pdfs), batch_s)
    jobs = [
        (template.render(forms=chunk, title="评议表"), len(chunk))
        for chunk in split_evenly(forms, 2)
    ]
    pdfs, parallel_s = timed(lambda: render_batches(fonts, jobs))
    line("batched, both cores", len(pdfs), parallel_s)
    print(f"  batched on both cores runs at {layout_s / parallel_s:.0%} of layout-only speed")


def bench_make_forms() -> None:
    """Time the whole `forms` command on a copy of the sample, as a user runs it."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        shutil.copytree("data", data)
        command = [
            sys.executable,
            "-m",
            "generator",
            "forms",
            "--quiet",
            "--data",
            str(data),
            "--out",
            str(Path(folder) / "out"),
        ]
        _, seconds = timed(lambda: subprocess.run(command, check=True))
    print(f"make forms on the sample campaign: {seconds:.1f} s wall time (goal ≤ 20 s)")


def bench_booklets(renderer: PdfRenderer, inputs) -> None:
    """Booklet pages per second, beside the layout-only time of the same pages done naively."""
    campaign, secretaries = inputs.data.campaign, list(inputs.data.secretaries)
    issued = issue_ballots(campaign, secretaries, bytes(32))
    run = FormsRun(inputs, renderer, issued, Progress(quiet=True))
    _, seconds = timed(lambda: ballot_files(run))
    print("ballot booklets:")
    line("sheets laid out once, copies stamped", len(issued), seconds)
    sheets = {(s.secretary.id, s.source): s for s in sheets_in_meeting_order(campaign, secretaries)}
    copies = [sheets[(b.secretary_id, b.source)] for b in issued]
    layouts = {s.secretary.role: s.layout for s in copies}
    css = Markup("\n".join(layout_css(kind, layout) for kind, layout in layouts.items()))
    html = (
        html_environment(renderer.fonts)
        .get_template("ballot_sheet.html")
        .render(sheets=copies, layout_css=css, title="floor")
    )
    document, floor = timed(lambda: renderer.layout(html))
    line("floor: WeasyPrint layout only, every copy", len(document.pages), floor)


def bench_filled_forms() -> None:
    """The filled 评议表 (a page per ballot) beside WeasyPrint's layout-only time, same pages.

    Also the wall time of the whole `letters` command, which they dominate (its first run on the
    copied data makes the demonstration signer too, as a newcomer's does), and of `verify`.
    """
    from dataclasses import replace as replaced

    from generator.filled_forms import (
        ballot_batch_html,
        ballot_pages,
        filled_forms_1,
        filled_forms_2,
        filled_part,
        whole_pages,
    )
    from generator.forms import run_forms
    from generator.letters import score

    from generator.render.parallel import map_forked

    with tempfile.TemporaryDirectory() as folder:
        data, out = Path(folder) / "data", Path(folder) / "out"
        shutil.copytree("data", data)
        run_forms(data, out)  # the register of serials, as a user has it before `letters`
        folders = ["--data", str(data), "--out", str(out)]

        def wall_time(*command: str) -> float:
            argv = [sys.executable, "-m", "generator", *command, *folders]
            return timed(lambda: subprocess.run(argv, check=True, capture_output=True))[1]

        letters_s, verify_s = wall_time("letters", "--quiet"), wall_time("verify")
        scored = score(data, out)
    run = replaced(scored, renderer=PdfRenderer(load_font_map(scored.campaign.fonts)))
    groups = ballot_pages(run)
    pages = sum(len(g.sheets) for g in groups)
    whole_html = ballot_batch_html(run, groups, whole_pages(groups))
    run.renderer.layout(ballot_batch_html(run, groups[:1], whole_pages(groups[:1])))  # warm up
    print(f"filled 评议表, a page per ballot ({pages} pages, {len(groups)} secretaries):")
    document, layout_s = timed(lambda: run.renderer.layout(whole_html))
    line("floor: WeasyPrint layout only, whole pages", len(document.pages), layout_s)
    del document
    _, one_core_s = timed(lambda: [filled_part(run, part) for part in range(2)])
    line("form once + ink per ballot, 1 core, +DOCX", pages, one_core_s)
    kinds = [filled_forms_1, filled_forms_2]
    _, both_s = timed(lambda: map_forked(kinds, run, [1.0, 1.0]))
    line("form once + ink per ballot, 2 cores, +DOCX", pages, both_s)
    print(
        f"  filled forms run at {layout_s / both_s:.0%} of layout-only speed on both cores, "
        f"{layout_s / one_core_s:.0%} on one (goal ≥ 50 %)"
    )
    print(f"make letters on the sample campaign: {letters_s:.1f} s wall time (goal ≤ 30 s)")
    print(f"make verify of its archive: {verify_s:.1f} s wall time")


if __name__ == "__main__":
    main()
    bench_make_forms()
    inputs = load_inputs(Path("data"))
    bench_booklets(PdfRenderer(load_font_map(inputs.data.campaign.fonts)), inputs)
    bench_filled_forms()
