"""Page tokens and version diffs (pure)."""
from __future__ import annotations

from datetime import date

import pytest

from services.registry.events import DeadlineFact, DocumentRef, ResponsibilityFact, diff_events
from services.registry.pagination import InvalidPageToken, decode_token, encode_token, page_size
from services.registry.store import document_id_for, version_key


def test_token_round_trip_and_filter_binding():
    token = encode_token([42, "衢州"], ["responsibilities", "市发改委"])
    assert decode_token(token, ["responsibilities", "市发改委"]) == [42, "衢州"]
    with pytest.raises(InvalidPageToken, match="different query"):
        decode_token(token, ["responsibilities", "市财政局"])
    with pytest.raises(InvalidPageToken):
        decode_token("%%%", [])
    assert decode_token("", []) is None


@pytest.mark.parametrize("requested, size", [(0, 50), (10, 10), (10_000, 500)])
def test_page_size(requested, size):
    assert page_size(requested) == size


def _resp(path, key, role="lead"):
    return ResponsibilityFact(path, "条文", key, key, key, role, None)


def _deadline(path, text, when):
    return DeadlineFact(path, "条文", text, when, "due", "open", ())


def test_diff_events_and_stable_ids():
    doc = DocumentRef("d1", "衢政办发〔2024〕1号", "标题", 2)
    old = ({("1", "A", "lead"): _resp("1", "A"), ("2", "B", "lead"): _resp("2", "B")},
           {("1", "年底前", "due"): _deadline("1", "年底前", date(2024, 12, 31)),
            ("2", "6月底前", "due"): _deadline("2", "6月底前", date(2024, 6, 30))})
    new = ({("1", "A", "lead"): _resp("1", "A"), ("3", "C", "lead"): _resp("3", "C")},
           {("1", "年底前", "due"): _deadline("1", "年底前", date(2025, 12, 31)),
            ("3", "9月底前", "due"): _deadline("3", "9月底前", date(2024, 9, 30))})
    events = diff_events(doc, old, new)
    assert sorted(e.subject.removeprefix("duban.registry.") for e in events) == [
        "deadline.added", "deadline.changed", "deadline.changed", "responsibility.assigned",
        "responsibility.removed"]
    assert [e.id for e in diff_events(doc, old, new)] == [e.id for e in events]
    assert diff_events(doc, new, new) == []


def test_version_order_and_ids():
    assert version_key("1.10.0") > version_key("1.9.2") > version_key("1.9")
    assert document_id_for("衢政发〔2024〕1号", "x", 0) == document_id_for("衢政发〔2024〕1号", "y", 3)
    assert document_id_for(None, "x", 0) != document_id_for(None, "x", 1)
