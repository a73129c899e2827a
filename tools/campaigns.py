"""Make a campaign of any size, with its returned ballots, to measure and test the pipeline at scale.

The sample's campaign.yaml and notice.md, N invented secretaries (one town secretary, the rest
branch secretaries of invented villages), a fixed ballot secret, every issued sheet returned but
a few, a few blank and invalid ones, and an assessment. Deterministic for a given N and seed.

Run: .venv/bin/python tools/campaigns.py N FOLDER   (FOLDER/data is written; it must not exist)
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.load.data import load_campaign_data  # noqa: E402
from generator.load.folder import DataFolder  # noqa: E402
from generator.load.secret import SECRET_FILE  # noqa: E402
from generator.model.serials import issue_ballots  # noqa: E402

SAMPLE = ROOT / "data"
SECRET = bytes(range(32))
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "建国志强海燕秀英桂兰玉梅丽娟文军红霞永明德华春生金凤立新雪梅振东晓东宏伟俊杰淑珍凤英国庆玉兰"
)
PLACES = "巴音查干乌兰哈达宝日布和阿拉坦伊克敖包塔拉呼和希热那仁宝力格"
KINDS = ("嘎查党支部", "村党支部", "社区党支部")
ISSUES = (
    "发展壮大集体经济，推动年经营性收入稳步增长",
    "流动党员的教育管理",
    "“三会一课”的规范落实",
    "党群服务中心作用发挥",
)
PROBLEMS = ("党员教育管理方式较为单一", "组织生活会质量有待提高", "党务公开不够及时")
SUGGESTIONS = ("加强对年轻党员的培养", "多开展主题党日活动", "推动集体经济项目尽快落地")
COLUMNS = ["ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions"]


def make_campaign(folder: Path, secretaries: int, seed: int = 2022) -> Path:
    """Write a campaign of `secretaries` people under folder/data; return that data folder."""
    data = folder / "data"
    data.mkdir(parents=True)
    shutil.copy(SAMPLE / "campaign.yaml", data / "campaign.yaml")
    shutil.copy(SAMPLE / "notice.md", data / "notice.md")
    (data / SECRET_FILE).write_text(SECRET.hex() + "\n")
    rng = random.Random(seed)
    (data / "secretaries.yaml").write_text(secretaries_yaml(secretaries), encoding="utf-8")
    loaded = load_campaign_data(DataFolder(data))
    people = list(loaded.secretaries)
    issued = issue_ballots(loaded.campaign, people, SECRET)
    typical = {s.id: rng.uniform(7.6, 9.6) for s in people}
    (data / "ballots").mkdir()
    for source in dict.fromkeys(b.source for b in issued):
        rows = [row(rng, b, typical[b.secretary_id]) for b in issued if b.source == source]
        write_csv(data / "ballots" / f"{source}.csv", [r for r in rows if r])
    (data / "assessment.yaml").write_text(assessment_yaml(people, rng), encoding="utf-8")
    return data


def secretaries_yaml(count: int) -> str:
    """Return secretaries.yaml: branch secretaries s0001…, then the town secretary."""
    width = max(2, len(str(count)))
    lines = []
    for n in range(1, count + 1):
        name = (
            SURNAMES[n % len(SURNAMES)]
            + GIVEN[(2 * n) % len(GIVEN)]
            + GIVEN[(3 * n + 1) % len(GIVEN)]
        )
        committee = n == count
        organization = (
            "镇党委"
            if committee
            else f"{PLACES[n % len(PLACES)]}{PLACES[(5 * n) % len(PLACES)]}{n}{KINDS[n % 3]}"
        )
        lines += [
            f"- id: s{n:0{width}d}",
            f"  name: {name}",
            f"  organization: {organization}",
            f"  role: {'committee' if committee else 'branch'}",
            f"  appointed: {'2022-10-01' if n % 17 == 0 else '2019-05-20'}",
            f"  key_issues: [{ISSUES[n % 4]}, {ISSUES[(n + 1) % 4]}]",
        ]
    return "\n".join(lines) + "\n"


def row(rng: random.Random, ballot, typical: float) -> list[str] | None:
    """Return a returned sheet's row, or None for one that did not come back."""
    roll = rng.random()
    if roll < 0.02:
        return None
    if roll < 0.03:
        status, score = "blank", ""
    elif roll < 0.035:
        status, score = "invalid", ""
    else:
        status, score = "valid", str(max(1, min(10, round(rng.gauss(typical, 0.8)))))
    problem = rng.choice(PROBLEMS) if status == "valid" and rng.random() < 0.2 else ""
    suggestion = rng.choice(SUGGESTIONS) if status == "valid" and rng.random() < 0.2 else ""
    return [ballot.serial, ballot.secretary_id, ballot.source, score, status, problem, suggestion]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([COLUMNS, *rows])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def assessment_yaml(people, rng: random.Random) -> str:
    lines = []
    for person in people:
        lines += [f"{person.id}:", f"  problems: [{rng.choice(PROBLEMS)}]"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = make_campaign(Path(sys.argv[2]), int(sys.argv[1]))
    print(f"wrote {target}")
