"""Synthetic corpus for the registry benchmark: work-plan notices in the real style (文号, issuers, numbered
clauses naming lead and supporting units from the unit directory, month-end deadlines, targets), as
extraction-contract objects. Sentences are assembled from our own phrase lists, not copied from the corpus.

Unit popularity follows a Zipf-like law, as in the gazettes (市发改委 appears far more than 市民宗局).
"""
from __future__ import annotations

import calendar
import random
from collections.abc import Iterator

from services.registry.units import load_directory

ISSUERS = ["衢州市人民政府办公室", "衢州市人民政府", "中共衢州市委办公室"]
PREFIXES = ["衢政办发", "衢政发", "衢委办发"]
VERBS = ["加快推进", "深入实施", "持续完善", "全面落实", "统筹推进", "积极培育", "大力发展", "扎实开展"]
OBJECTS = ["重大项目建设", "城乡风貌整治提升", "数字化改革", "营商环境优化", "高标准农田建设", "养老服务体系",
           "产业链提升工程", "生态环境治理", "公共文化服务", "科技创新平台", "交通基础设施", "县域法治建设"]
RESULTS = ["形成一批可复制推广的经验", "确保各项任务落地见效", "全面完成年度目标任务", "建立长效管理机制",
           "实现重点领域全覆盖"]
GROUP_NAMES = ["各县（市、区）政府", "各县（市、区）司法局", "各县（市、区）财政局"]


def _unit_names(rng: random.Random) -> list[str]:
    directory = load_directory()
    names = [info.aliases[1] if len(info.aliases) > 1 else info.canonical
             for info in directory.units.values() if not info.is_group]
    rng.shuffle(names)
    return names + GROUP_NAMES


def _deadline(rng: random.Random, year: int) -> dict:
    month = rng.randint(3, 12)
    day = calendar.monthrange(year, month)[1]
    return {"text": f"{month}月底前", "date": f"{year}-{month:02d}-{day:02d}", "kind": "due"}


def document(index: int, clauses: int, rng: random.Random, names: list[str], weights: list[float]) -> dict:
    year = 2019 + index % 6
    doc_number = f"{PREFIXES[index % 3]}〔{year}〕{index // 3 + 1}号"
    items = []
    for n in range(clauses):
        lead, support = rng.choices(names, weights=weights, k=2)
        if support == lead:
            support = names[(names.index(lead) + 1) % len(names)]
        deadline = _deadline(rng, year)
        text = (f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{deadline['text']}{rng.choice(RESULTS)}，"
                f"完成投资{rng.randint(1, 90)}亿元以上。（牵头单位：{lead}；配合单位：{support}）")
        items.append({
            "path": f"{n // 10 + 1}.{n % 10 + 1}", "text": text, "span": [n * 80, n * 80 + len(text)],
            "officials": [], "deadlines": [deadline],
            "units": [{"name": lead, "role": "lead"}, {"name": support, "role": "support"}],
            "targets": [{"text": "完成投资亿元以上", "value": rng.randint(1, 90), "unit": "亿元", "op": ">="}],
        })
    return {"doc_number": doc_number, "title": f"关于印发{year}年重点工作责任分解方案的通知（{index}）",
            "issuers": [ISSUERS[index % 3]], "signed_date": f"{year}-03-04", "effective_date": None,
            "expiry_date": None, "source": {"file": f"bench_{index}.txt", "start_line": 1, "end_line": clauses * 3},
            "attachments": [], "relations": [], "clauses": items}


def generate(documents: int, clauses_per_document: int, seed: int = 7) -> Iterator[dict]:
    """`documents` contract objects of `clauses_per_document` clauses, two responsibilities each."""
    rng = random.Random(seed)
    names = _unit_names(rng)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(names))]
    for index in range(documents):
        yield document(index, clauses_per_document, rng, names, weights)
