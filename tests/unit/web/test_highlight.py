"""Facts marked in clause text. Sentences are our own, written in the gazette's style."""
from services.web.highlight import Fact, clause_facts, highlight, layout_document, path_depth

CLAUSE = {
    "path": "1.2",
    "text": "新建5G基站800个以上，10月底前实现重点园区千兆光网全覆盖。责任单位：市经信局、市通信发展办",
    "span": [20, 70],
    "officials": ["王明远"],
    "units": [{"name": "市经信局", "canonical": "衢州市经济和信息化局", "role": "responsible"},
              {"name": "市通信发展办", "role": "responsible"}],
    "deadlines": [{"text": "10 月底前", "date": "2026-10-31", "kind": "due"}],
    "targets": [{"text": "新建5G基站800个以上", "value": 800, "unit": "个", "op": ">="}],
}


def _marked(segments) -> list[tuple[str, str]]:
    return [(s.fact.kind, s.text) for s in segments if s.fact]


def test_every_fact_is_marked_where_printed_and_the_text_is_kept_whole() -> None:
    segments = highlight(CLAUSE["text"], clause_facts(CLAUSE))
    assert "".join(s.text for s in segments) == CLAUSE["text"]
    assert _marked(segments) == [("target", "新建5G基站800个以上"), ("deadline", "10月底前"),
                                 ("unit", "市经信局"), ("unit", "市通信发展办")]


def test_fact_notes_say_what_the_extractor_made_of_it() -> None:
    notes = {f.text: f.note for f in clause_facts(CLAUSE)}
    assert notes["市经信局"] == "责任：衢州市经济和信息化局"
    assert notes["10 月底前"] == "2026-10-31"
    assert notes["新建5G基站800个以上"] == ">= 800个"


def test_overlapping_facts_first_and_longest_keeps_the_shared_characters() -> None:
    facts = [Fact("deadline", "年底前", ""), Fact("target", "年底前完成改造10处", ""), Fact("unit", "改造", "")]
    assert _marked(highlight("力争年底前完成改造10处。", facts)) == [("target", "年底前完成改造10处")]
    facts = [Fact("deadline", "全年", ""), Fact("target", "年归集数据不少于2亿条", "")]
    assert _marked(highlight("全年归集数据不少于2亿条。", facts)) == [("deadline", "全年"), ("target", "归集数据不少于2亿条")]


def test_every_occurrence_is_marked_and_regex_characters_are_literal() -> None:
    facts = [Fact("unit", "市财政局", ""), Fact("target", "增长(8%)", "")]
    marked = _marked(highlight("市财政局牵头，市财政局配合；增长(8%)。", facts))
    assert marked == [("unit", "市财政局"), ("unit", "市财政局"), ("target", "增长(8%)")]


def test_path_depth_for_indentation() -> None:
    assert [path_depth(p) for p in ("7", "2.3", "2.3.1", "2/3.1", "table2/row/9")] == [0, 1, 2, 1, 0]


def test_units_printed_elsewhere_are_listed_and_unprinted_deadlines_flagged() -> None:
    item = {"path": "2.1", "text": "对重点技改项目给予奖励，年底前兑现。", "span": [20, 38], "officials": ["王明远"],
            "units": [{"name": "市经信局", "role": "lead"}],
            "deadlines": [{"text": "年底前", "date": "2026-12-31", "kind": "due"},
                          {"text": "6月底前", "date": "2026-06-30", "kind": "due"}]}
    block, = layout_document(None, [item])
    assert block.path == "2.1"
    assert [(f.kind, f.text) for f in block.listed] == [("unit", "市经信局"), ("official", "王明远")]
    assert [(f.kind, f.text) for f in block.missing] == [("deadline", "6月底前")]
    assert _marked(block.segments) == [("deadline", "年底前")]


def test_with_the_document_text_gaps_between_clauses_are_shown() -> None:
    text = "通知正文。" + "一、做好保障（由市财政局负责）" + "结尾。"
    clause = {"path": "1", "text": "一、做好保障（由市财政局负责）", "span": [5, 20],
              "units": [{"name": "市财政局", "role": "responsible"}]}
    blocks = layout_document(text, [clause])
    assert [(b.path, "".join(s.text for s in b.segments)) for b in blocks] == [
        (None, "通知正文。"), ("1", "一、做好保障（由市财政局负责）"), (None, "结尾。")]
    assert _marked(blocks[1].segments) == [("unit", "市财政局")]
