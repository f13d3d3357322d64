"""Score the TIME extractors (deadlines, targets) on the gold clause texts, clause by clause.

Not the project's evaluation (that is services/extract/evaluate.py over the whole pipeline): this feeds each gold
clause's own text to `find_deadlines` / `find_targets` so the extractors can be tuned in isolation.

    .venv/bin/python bench/score_time.py [--show]
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

from services.extract.deadlines import DateContext, document_year, find_deadlines
from services.extract.targets import find_targets

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev"


def _clauses(gold: dict) -> list[dict]:
    out = []
    for section in gold.get("sections", []):
        out.append({"path": section["path"], "text": section.get("intro", ""), **section})
    return out + gold.get("items", []) + gold.get("tasks", [])


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(show: bool) -> None:
    for path in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        ctx = DateContext(document_year(gold["title"], "", gold["signed_date"]) or 2024,
                          dt.date.fromisoformat(gold["signed_date"]))
        counts = {"deadlines": [0, 0, 0], "targets": [0, 0, 0]}
        for clause in _clauses(gold):
            text = clause.get("intro") or clause["text"]
            pairs = {
                "deadlines": (Counter(d["date"] for d in clause["deadlines"]),
                              Counter(d.date for d in find_deadlines(text, ctx))),
                "targets": (Counter((float(t["value"]), t["unit"] or "", t["op"]) for t in clause["targets"]),
                            Counter((float(t.value), t.unit, t.op) for t in find_targets(text))),
            }
            for field, (want, got) in pairs.items():
                tp = sum((want & got).values())
                counts[field][0] += tp
                counts[field][1] += sum(got.values()) - tp
                counts[field][2] += sum(want.values()) - tp
                if show and want != got:
                    print(f"{path.stem} {clause['path']} {field}: missing {dict(want - got)} extra {dict(got - want)}")
        for field, (tp, fp, fn) in counts.items():
            p, r, f = _prf(tp, fp, fn)
            print(f"{path.stem:14} {field:9} tp={tp:3} fp={fp:3} fn={fn:3}  P={p:.3f} R={r:.3f} F1={f:.3f}")


if __name__ == "__main__":
    main("--show" in sys.argv)
