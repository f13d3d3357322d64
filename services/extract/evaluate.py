"""Precision/recall/F1 of extraction against hand-checked answers (../shared/gold/dev).

Each gold file names its document (`doc_number`), the clean file it was checked on (`source_file`) and
other renderings of the same document (`also_in`: "000_….txt lines 1-1398"). Facts are compared as
multisets keyed by clause path:
- responsibilities: (path, unit), a unit being its canonical name when the directory knows it (市人社局 in
  one rendering is 市人力社保局 in another), else its name without white space, brackets normalised;
- officials: (path, name); deadlines: (path, date); targets: (path, value, unit, op).
Clean renderings are scored on every clause incl. table rows (for the facts the gold rows annotate);
other renderings on numbered clauses only (their tables are printed one character per line and only
partly rebuildable).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from services.extract.model import Document
from services.extract.units import UnitDirectory, lookup_key

Extractor = Callable[[str, str], list[Document]]
_CLAUSE_KEYS = ("sections", "items", "tasks", "clauses")
_TABLE_PATH_RE = re.compile(r"^table\d+/")
METRICS = ("responsibilities", "officials", "deadlines", "targets")

# Quality bars: (metric, clean rendering?) → minimum F1.
BARS: dict[tuple[str, bool], float] = {
    ("responsibilities", True): 0.97,
    ("officials", True): 0.97,
    ("deadlines", True): 0.9,
    ("targets", True): 0.85,
    ("responsibilities", False): 0.95,
    ("officials", False): 0.95,
}


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class EvalRow:
    doc_number: str
    source: str  # file name of the rendering
    clean: bool
    metric: str
    score: Score

    @property
    def bar(self) -> float | None:
        return BARS.get((self.metric, self.clean))

    @property
    def passed(self) -> bool:
        return self.bar is None or self.score.f1 >= self.bar


@dataclass(frozen=True)
class EvalReport:
    rows: list[EvalRow]

    @property
    def passed(self) -> bool:
        return all(row.passed for row in self.rows)

    def table(self) -> str:
        header = f"{'document':<22} {'file':<26} {'metric':<17} {'P':>6} {'R':>6} {'F1':>6} {'bar':>5}  tp/fp/fn"
        lines = [header]
        for row in self.rows:
            s = row.score
            bar = f"{row.bar:.2f}" if row.bar is not None else "-"
            flag = "" if row.passed else "  FAIL"
            lines.append(
                f"{row.doc_number:<22} {row.source:<26} {row.metric:<17} {s.precision:6.3f} {s.recall:6.3f}"
                f" {s.f1:6.3f} {bar:>5}  {s.true_positives}/{s.false_positives}/{s.false_negatives}{flag}"
            )
        return "\n".join(lines)


def score(expected: Counter, found: Counter) -> Score:
    hits = sum((expected & found).values())
    return Score(hits, sum(found.values()) - hits, sum(expected.values()) - hits)


def _number(value: float | int | str) -> float:
    return round(float(value), 6)


def _unit_identity(name: str) -> str:
    return UnitDirectory.load().canonical(name) or lookup_key(name)


def _facts(clauses: Iterable[tuple[str, dict]]) -> dict[str, Counter]:
    facts = {metric: Counter() for metric in METRICS}
    for path, clause in clauses:
        facts["responsibilities"].update({(path, _unit_identity(u["name"])) for u in clause.get("units", [])})
        facts["officials"].update({(path, name) for name in clause.get("officials", [])})
        facts["deadlines"].update((path, d["date"]) for d in clause.get("deadlines", []) if d.get("date"))
        facts["targets"].update(
            (path, _number(t["value"]), t["unit"], t["op"]) for t in clause.get("targets", [])
        )
    return facts


def gold_facts(gold: dict, *, numbered_only: bool) -> dict[str, Counter]:
    """Facts of a gold file, as comparable keys."""
    clauses: list[tuple[str, dict]] = []
    for key in _CLAUSE_KEYS:
        for clause in gold.get(key, []):
            officials = clause.get("lead_officials", clause.get("officials", []))
            clauses.append((clause["path"], {**clause, "officials": officials}))
    if not numbered_only:
        for table in gold.get("tables", []):
            for row in table["rows"]:
                units = [{"name": n, "role": "lead"} for n in row.get("lead_units", [])]
                units += [{"name": n, "role": "support"} for n in row.get("support_units", [])]
                clauses.append((row["path"], {"units": units, **{k: row[k] for k in ("deadlines", "targets") if k in row}}))
    return _facts(clauses)


def document_facts(document: Document, *, numbered_only: bool) -> dict[str, Counter]:
    """Facts of an extracted document, as comparable keys."""
    clauses = []
    for clause in document.clauses:
        if numbered_only and _TABLE_PATH_RE.match(clause.path):
            continue
        clauses.append(
            (
                clause.path,
                {
                    "units": [{"name": u.name} for u in clause.units],
                    "officials": clause.officials,
                    "deadlines": [{"date": d.date} for d in clause.deadlines],
                    "targets": [{"value": t.value, "unit": t.unit, "op": t.op} for t in clause.targets],
                },
            )
        )
    return _facts(clauses)


def _table_annotations(gold: dict) -> set[str]:
    """The metrics a gold file's table rows are annotated with."""
    keys = {key for table in gold.get("tables", []) for row in table["rows"] for key in row}
    annotated = {"deadlines", "targets", "officials"} & keys
    return annotated | ({"responsibilities"} if keys & {"lead_units", "support_units", "units"} else set())


def renderings(gold: dict) -> list[tuple[str, bool]]:
    """(file name, clean?) of every rendering a gold file was checked against."""
    found = [(gold["source_file"], True)]
    also = gold.get("also_in")
    for entry in [also] if isinstance(also, str) else also or []:
        found.append((entry.split()[0], False))
    return found


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def evaluate(gold_dir: Path, corpus_dir: Path, extract: Extractor) -> EvalReport:
    """Score `extract` on every gold file of `gold_dir` and each of its renderings in `corpus_dir`."""
    rows: list[EvalRow] = []
    cache: dict[str, list[Document]] = {}
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        for file_name, clean in renderings(gold):
            if file_name not in cache:
                path = Path(corpus_dir) / file_name
                cache[file_name] = extract(read_text(path), file_name) if path.is_file() else []
            document = next((d for d in cache[file_name] if d.doc_number == gold["doc_number"]), None)
            expected = gold_facts(gold, numbered_only=not clean)
            found = document_facts(document, numbered_only=not clean) if document else {m: Counter() for m in METRICS}
            for metric in METRICS:
                if metric not in _table_annotations(gold):  # gold rows say nothing about it
                    found[metric] = Counter({k: v for k, v in found[metric].items() if not _TABLE_PATH_RE.match(k[0])})
                rows.append(EvalRow(gold["doc_number"], file_name, clean, metric, score(expected[metric], found[metric])))
    return EvalReport(rows)
