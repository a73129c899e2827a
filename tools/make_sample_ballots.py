"""Make the sample campaign's returned ballots and assessment (data/ballots/, data/assessment.yaml).

Invented, deterministic (seeded) and plainly a demonstration: most secretaries 好 or 较好, one
一般, one forced to 差 by more than 10 % 一般/差 votes, a few blank and invalid ballots, a few
sheets that never came back, one file in GB18030 as Excel on Chinese Windows saves it, and one
override by the committee. Run: .venv/bin/python tools/make_sample_ballots.py
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
from generator.load.secret import read_secret
from generator.model.serials import issue_ballots

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = 2022
# Each branch secretary's typical score by meeting order; t01 last. 6.3 gives a 一般; the 7.6
# with a wide spread gets more than 10 % low votes and so a forced 差.
TYPICAL = [
    9.4,
    9.1,
    8.3,
    9.5,
    8.6,
    9.2,
    8.1,
    9.3,
    6.3,
    9.6,
    8.4,
    9.0,
    7.6,
    9.2,
    8.8,
    9.4,
    8.2,
    9.5,
    9.3,
]
WIDE = {12}  # indices whose voters disagree widely
PROBLEMS = [
    "党员教育管理方式较为单一",
    "组织生活会质量有待提高",
    "发展党员工作计划性不强",
    "党群服务中心作用发挥不充分",
    "村级集体经济增收渠道不宽",
    "党务公开不够及时",
    "对流动党员联系不够紧密",
    "“三会一课”记录不够规范",
]
SUGGESTIONS = [
    "加强对年轻党员的培养",
    "多开展主题党日活动，形式再活泼些",
    "推动集体经济项目尽快落地",
    "建议定期公开党费收缴情况",
    "加强网格员队伍建设",
    "多听听牧民群众的意见，“接地气”",
    "加大对致富带头人的扶持力度",
]


def score_for(rng: random.Random, typical: float, wide: bool) -> int:
    spread = 2.2 if wide else 0.8
    return max(1, min(10, round(rng.gauss(typical, spread))))


def ballot_rows(rng: random.Random, issued, order: dict[str, int]) -> list[list[str]]:
    rows = []
    for ballot in issued:
        roll = rng.random()
        if roll < 0.03:
            continue  # not returned
        index = order[ballot.secretary_id]
        if roll < 0.045:
            status, score = "blank", ""
        elif roll < 0.055:
            status, score = "invalid", ""
        else:
            status, score = "valid", str(score_for(rng, TYPICAL[index], index in WIDE))
        problem = rng.choice(PROBLEMS) if status == "valid" and rng.random() < 0.25 else ""
        suggestion = rng.choice(SUGGESTIONS) if status == "valid" and rng.random() < 0.2 else ""
        rows.append(
            [ballot.serial, ballot.secretary_id, ballot.source, score, status, problem, suggestion]
        )
    rng.shuffle(rows)  # a pile of sheets has no order
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions"]
    )
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


ASSESSMENT = """\
# 镇党委对各党组织书记的综合评价（示例）/ The committee's assessment (sample).
# achievements: 肯定成绩; problems: 指出问题; major_failure / held_accountable force 差;
# grade + reason: the committee's override (it can never lift a forced 差).
"""


def assessment_yaml(secretaries, rng: random.Random) -> str:
    good = [
        "党建引领乡村振兴成效明显",
        "“三会一课”制度落实较好",
        "党群服务中心建设提质升级",
        "发展党员工作程序规范",
        "网格化管理服务扎实推进",
        "集体经济稳步增长",
    ]
    lines = [ASSESSMENT]
    for secretary in secretaries:
        lines.append(f"{secretary.id}:")
        lines.append(f"  achievements: [{', '.join(rng.sample(good, 2))}]")
        lines.append(f"  problems: [{', '.join(rng.sample(PROBLEMS, 2))}]")
        if secretary.id == "s07":
            lines.append("  grade: 一般")
            lines.append("  reason: 实地调研发现上年度点评问题整改不到位，经镇党委研究调整")
    return "\n".join(lines) + "\n"


def main() -> None:
    data = load_campaign_data(DataFolder(DATA))
    secretaries = list(data.secretaries)
    secret = read_secret(DATA)
    assert secret is not None, "the sample's secret is committed: data/.ballot-secret"
    issued = issue_ballots(data.campaign, secretaries, secret)
    order = {s.id: n for n, s in enumerate(secretaries)}
    rng = random.Random(SEED)
    folder = DATA / "ballots"
    folder.mkdir(exist_ok=True)
    for source, encoding in (("上述", "utf-8-sig"), ("下评", "gb18030")):
        rows = ballot_rows(rng, [b for b in issued if b.source == source], order)
        write_csv(folder / f"{source}.csv", rows, encoding)
    (DATA / "assessment.yaml").write_text(assessment_yaml(secretaries, rng), encoding="utf-8")


if __name__ == "__main__":
    main()
