"""Make an example campaign's returned ballots and assessment: DIR/ballots/*.csv, assessment.yaml.

For the invented campaigns under examples/: scores on the campaign's own scale around a
typical level per secretary (seeded, so the files are the same every time), a few blank and
invalid ballots and sheets not returned, and the committee's scores of the sources it gives.
The campaign's ballot secret is made once in DIR/.ballot-secret and kept (it is committed for
the examples, as for data/). Run: .venv/bin/python tools/make_example_ballots.py examples/NAME
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.load.data import load_campaign_data
from generator.load.folder import DataFolder
from generator.load.secret import new_secret, read_secret, write_secret
from generator.model.serials import issue_ballots

LEVELS = [0.93, 0.86, 0.78, 0.95, 0.66, 0.9, 0.83, 0.74]  # typical share of the scale, by place
COMMENTS = ["党员教育管理方式较为单一", "议事协商形式有待丰富", "联系服务群众还需更紧密"]


def main(folder: Path) -> None:
    secret = read_secret(folder)
    if secret is None:
        secret = new_secret()
        write_secret(folder, secret)
    data = load_campaign_data(DataFolder(folder))
    campaign, secretaries = data.campaign, list(data.secretaries)
    scale = campaign.rules.scale
    rng = random.Random(campaign.year)
    place = {s.id: n for n, s in enumerate(secretaries)}
    by_source: dict[str, list[list[object]]] = {}
    for ballot in issue_ballots(campaign, secretaries, secret):
        roll = rng.random()
        if roll < 0.04:
            continue  # not returned
        row: list[object] = [ballot.serial, ballot.secretary_id, ballot.source]
        if roll < 0.06:
            row += ["", "blank", "", ""]
        elif roll < 0.07:
            row += ["", "invalid", "", ""]
        else:
            level = LEVELS[place[ballot.secretary_id] % len(LEVELS)]
            middle = scale.low + level * (scale.high - scale.low)
            spread = (scale.high - scale.low) / 12
            score = max(scale.low, min(scale.high, round(rng.gauss(middle, spread))))
            comment = rng.choice(COMMENTS) if rng.random() < 0.2 else ""
            row += [score, "valid", comment, ""]
        by_source.setdefault(ballot.source, []).append(row)
    (folder / "ballots").mkdir(exist_ok=True)
    for source, rows in by_source.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        header = ["ballot_id", "secretary_id", "source", "score", "status", "problems"]
        writer.writerows([[*header, "suggestions"], *rows])
        (folder / "ballots" / f"{source}.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
    lines = ["# 党委对各党组织书记的综合评价（示例）/ The committee's assessment (example)."]
    for secretary in secretaries:
        lines += [f"{secretary.id}:", "  achievements: [党建引领基层治理成效明显]"]
        lines.append(f"  problems: [{rng.choice(COMMENTS)}]")
        given = sorted(
            campaign.rules.committee_sources & set(campaign.rules.weights[secretary.role])
        )
        if given:
            level = LEVELS[place[secretary.id] % len(LEVELS)]
            value = scale.low + level * (scale.high - scale.low)
            scores = ", ".join(f"{source}: {value:.1f}" for source in given)
            lines.append(f"  scores: {{{scores}}}")
    (folder / "assessment.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
