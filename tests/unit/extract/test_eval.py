"""`duban eval`: scoring, and the quality bars on ../shared/gold/dev."""
from __future__ import annotations

import io
from collections import Counter

import pytest

from services.extract.commands import run_eval
from services.extract.evaluate import EvalReport, evaluate, score
from services.extract.pipeline import extract_text


def test_score_counts_multisets() -> None:
    result = score(Counter({("1", "a"): 1, ("2", "b"): 2}), Counter({("1", "a"): 1, ("2", "b"): 1, ("3", "c"): 1}))
    assert (result.true_positives, result.false_positives, result.false_negatives) == (2, 1, 1)
    assert result.precision == pytest.approx(2 / 3) and result.recall == pytest.approx(2 / 3)


def test_empty_score_is_perfect() -> None:
    assert score(Counter(), Counter()).f1 == 1.0


@pytest.fixture(scope="module")
def report(gold_dir, corpus_dir) -> EvalReport:
    return evaluate(gold_dir, corpus_dir, extract_text)


@pytest.mark.corpus
def test_quality_bars(report: EvalReport) -> None:
    failing = [row for row in report.rows if not row.passed]
    assert not failing, "\n" + report.table()


@pytest.mark.corpus
def test_run_eval_prints_a_table(gold_dir, corpus_dir) -> None:
    out = io.StringIO()
    status = run_eval(gold_dir, corpus_dir, out)
    assert "responsibilities" in out.getvalue()
    assert status in (0, 1)
