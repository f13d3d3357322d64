"""Synthetic notices in the style of examples/*.txt, for the pipeline benchmark.

Each notice has a title, a unique 文号, an addressee line, a preamble, the issuer and signing date, then a
numbered list of tasks under 一、二、… headings; every task carries a measurable target, usually a deadline, a
`牵头市领导：` line and a `责任单位：` line naming units from services/extract/data/units.json. The same seed
always gives the same notices.

    .venv/bin/python bench/synthetic.py --count 10 --out /tmp/notices   # writes notice-00000.txt, …
"""
from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

UNITS_FILE = Path(__file__).resolve().parents[1] / "services" / "extract" / "data" / "units.json"

ISSUERS = (("衢州市人民政府办公室", "衢政办发"), ("衢州市人民政府", "衢政发"), ("衢州市人民政府办公室", "衢政办函"))
TOPICS = ("数字经济提质增效", "制造业高质量发展", "营商环境优化提升", "乡村振兴示范创建", "生态环境保护",
          "民生实事项目", "安全生产治本攻坚", "科技创新能力提升", "文化旅游融合发展", "城乡风貌整治提升",
          "公共服务优质共享", "开放型经济发展", "现代农业园区建设", "就业创业促进", "综合交通建设")
SECTIONS = ("强化组织保障", "推进重点项目", "优化要素配置", "提升服务水平", "深化改革创新", "加强监督考核",
            "培育市场主体", "完善基础设施")
ACTIONS = ("新建{n}个{thing}", "完成{thing}改造{n}处", "新增{thing}{n}个以上", "培训{thing}{n}人次以上",
           "{thing}覆盖率达到{p}%以上", "{thing}增长{p}%以上", "全年实施{thing}{n}项")
THINGS = ("社区卫生服务站", "5G基站", "老年助餐点", "普惠托育托位", "数字化车间", "城镇老旧小区", "农村供水工程",
          "高标准农田", "公共充电桩", "技能人才", "政务服务事项", "重点产业项目", "未来社区", "省级智能工厂")
DEADLINES = ("{m}月底前", "{m}月{d}日前", "年内", "三季度末前", "上半年", "年底前")
OFFICIALS = ("王明远", "李晓峰", "陈静", "张建华", "刘志刚", "赵丽娟", "孙海涛", "周文斌", "吴国平", "郑雅琴")
COUNTY_GROUP = "各县（市、区）政府"  # named in every notice, so one subscription hears about each of them
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Notice:
    filename: str
    doc_number: str
    text: str
    clause_count: int  # numbered tasks (1．2．…)


def printed_unit_names(units_file: Path = UNITS_FILE) -> list[str]:
    """The first printed alias of every unit (市数据局, 柯城区政府, …), or its canonical name when it has none."""
    directory = json.loads(units_file.read_text(encoding="utf-8"))
    return [(u["aliases"] or [u["canonical"]])[0] for u in directory["units"]]


def _task(rng: random.Random, units: list[str], number: int, with_county_group: bool) -> list[str]:
    action = rng.choice(ACTIONS).format(n=rng.randint(3, 900), p=rng.randint(5, 98), thing=rng.choice(THINGS))
    deadline = rng.choice(DEADLINES).format(m=rng.randint(3, 12), d=rng.randint(1, 28))
    sentence = f"{deadline}{action}" if rng.random() < 0.7 else f"{action}"
    sentence += f"，{rng.choice(THINGS)}数量达到{rng.randint(10, 5000)}个以上。"
    leaders = "、".join(rng.sample(OFFICIALS, rng.choice((1, 1, 2))))
    responsible = rng.sample(units, rng.randint(1, 3))
    unit_line = "、".join(responsible) + (f"，{COUNTY_GROUP}" if with_county_group else "")
    return [f"{number}．{sentence}", f"牵头市领导：{leaders}", f"责任单位：{unit_line}"]


def notice(index: int, seed: int = 20261123, units: list[str] | None = None) -> Notice:
    """The index-th notice of the seeded series; 文号 are unique over (issuer, year, number)."""
    rng = random.Random(seed * 1_000_003 + index)
    units = units or printed_unit_names()
    issuer, prefix = ISSUERS[index % len(ISSUERS)]
    year = 2026 - (index // len(ISSUERS)) // 400
    doc_number = f"{prefix}〔{year}〕{(index // len(ISSUERS)) % 400 + 1}号"
    topic = rng.choice(TOPICS)
    plan = f"{year}年{topic}重点工作责任分解"
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    lines = [f"{issuer}关于印发{plan}的通知", "", doc_number, "",
             "各县（市、区）人民政府，市政府各部门、直属各单位：",
             f"为推动{year}年{topic}重点工作落地见效，经市政府同意，现将《{plan}》印发给你们，请认真抓好落实。"
             f"各牵头单位要于每季度末前{rng.randint(3, 10)}个工作日内报送工作进展情况。", "",
             issuer, f"{year}年{month}月{day}日", "", "（此件公开发布）", "", plan, ""]
    number, sections = 0, rng.sample(SECTIONS, rng.randint(2, 5))
    county_section = rng.randrange(len(sections))
    for section, heading in enumerate(sections):
        lines.append(f"{NUMERALS[section]}、{heading}")
        tasks = rng.randint(1, 4)
        for task in range(tasks):
            number += 1
            lines += _task(rng, units, number, with_county_group=section == county_section and task == 0)
    return Notice(f"notice-{index:05d}.txt", doc_number, "\n".join(lines) + "\n", number)


def notices(count: int, seed: int = 20261123) -> list[Notice]:
    units = printed_unit_names()
    return [notice(i, seed, units) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for item in notices(args.count, args.seed):
        (args.out / item.filename).write_text(item.text, encoding="utf-8")
    print(f"wrote {args.count} notices to {args.out}")


if __name__ == "__main__":
    main()
