"""Lead officials of a task."""
from __future__ import annotations

import pytest

from services.extract.officials import find_officials


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("牵头市领导：王小明、李华", ["王小明", "李华"]),
        ("牵头市领导:王小明,李华\n责任单位：市财政局", ["王小明", "李华"]),
        ("牵头市领导：张建国常务副市长、刘洋副市长", ["张建国", "刘洋"]),
        ("责任领导：陈明；责任单位：市水利局", ["陈明"]),
        ("联系市领导：赵四等", ["赵四"]),
        ("牵头市领导：王小明、王小明", ["王小明"]),
        ("市领导高度重视，召开专题会议。", []),
        ("牵头市领导：", []),
    ],
)
def test_find_officials(text: str, names: list[str]) -> None:
    assert find_officials(text) == names


@pytest.mark.corpus
def test_corpus_task_officials(corpus_dir) -> None:
    line = (corpus_dir / "003_ebc2be11e8b97b3c.txt").read_text("utf-8").splitlines()[26]  # line 27
    assert len(find_officials(line)) == 2
