"""The composed pipeline: documents and clauses in the contract's shape; odd input costs facts, never
raises."""
from __future__ import annotations

import io
import json

import pytest

from services.extract.commands import run_extract
from services.extract.model import to_contract
from services.extract.pipeline import extract_text, extract_text_with_warnings

POLICY = """衢州市人民政府文件

衢政发〔2030〕3号

衢州市人民政府关于印发若干政策的通知

各县（市、区）人民政府，市政府各部门、直属各单位：现将《若干政策》印发给你们，请结合实际认真组织实施，确保各项政策落地见效。

为全面落实经济工作会议决策部署，进一步稳定市场预期、提振发展信心，推动经济持续回升向好，结合我市实际，制定如下政策。

一、扩大投资政策（由市发改委牵头实施）

2030年，全市完成投资100亿元以上，持续优化投资结构，重点支持先进制造业、现代服务业和基础设施补短板项目建设，着力扩大有效投资。

（一）加强要素保障。全年供应建设用地2万亩，统筹用地、用能、资金等要素向重大项目倾斜，确保项目审批能快则快、要素保障应保尽保。（责任单位：市资源规划局）

（二）加大财政支持。围绕保障重大项目建设、激发全社会投资活力，全力争取上级财政资金支持，用以持续保障综合交通建设和城镇有机更新。

——安排资金支持重大项目。

（责任单位：市财政局、市人社局）

二、民生实事

序号\t事项名称\t全市目标\t牵头单位\t配合单位
1\t新建农村公路100公里\t100\t市交通运输局\t各县（市、区）政府
2\t改造危桥20座\t20\t\t市财政局

上述政策由各牵头单位负责解释，各县（市、区）要结合实际尽快制定承接落实方案，确保各项政策措施落地见效、惠及企业和群众。
"""


def _clause(documents, path):
    return next(c for c in documents[0].clauses if c.path == path)


def test_policy_document_clauses_and_units() -> None:
    documents = extract_text(POLICY, "policy.txt")
    assert len(documents) == 1
    paths = [c.path for c in documents[0].clauses]
    assert paths == ["1", "1.1", "1.2", "2", "table1/row/1", "table1/row/2"]
    assert [(u.name, u.role) for u in _clause(documents, "1.2").units] == [
        ("市财政局", "responsible"), ("市人社局", "responsible"), ("市发改委", "lead")
    ]
    assert _clause(documents, "1.2").units[1].canonical == "衢州市人力资源和社会保障局"
    assert [(u.name, u.role) for u in _clause(documents, "table1/row/2").units] == [
        ("市交通运输局", "lead"), ("市财政局", "support")
    ]


def test_clause_text_and_span() -> None:
    document = extract_text(POLICY, "policy.txt")[0]
    clause = _clause([document], "1.1")
    assert clause.text.startswith("加强要素保障")
    assert document.text[clause.span[0] : clause.span[1]].startswith("（一）")


def test_flat_task_list_with_officials() -> None:
    text = "1. 推进项目建设。\n牵头市领导：王小明、李华\n责任单位：市发改委、市财政局\n2. 优化营商环境。\n牵头市领导：李华\n责任单位：市营商办"
    clauses = extract_text(text, "tasks.txt")[0].clauses
    assert [(c.path, c.officials) for c in clauses] == [("1", ["王小明", "李华"]), ("2", ["李华"])]
    assert clauses[0].text == "推进项目建设。"


def test_contract_object_is_json() -> None:
    obj = to_contract(extract_text(POLICY, "policy.txt")[0])
    assert json.loads(json.dumps(obj, ensure_ascii=False))["source"]["file"] == "policy.txt"
    assert obj["clauses"][1]["units"][0] == {
        "name": "市资源规划局", "canonical": "衢州市自然资源和规划局", "role": "responsible"
    }


@pytest.mark.parametrize(
    "raw",
    ["", "\n\n\n", "\x00\x01\x02", "（（（（", "一、\n（一）\n1．\n（1）\n①", "\t\t\t\n\t\t", "责任单位：" * 50, "1." * 500],
)
def test_odd_input_never_raises(raw: str) -> None:
    documents, warnings = extract_text_with_warnings(raw, "odd.txt")
    assert isinstance(documents, list) and isinstance(warnings, list)


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("file_name", "doc_number", "clauses"),
    [("002_c219690aee66b248.txt", "衢政发〔2024〕7号", 81), ("003_ebc2be11e8b97b3c.txt", "衢政办发〔2024〕10号", 185)],
)
def test_clean_corpus_files(corpus_dir, file_name: str, doc_number: str, clauses: int) -> None:
    documents = extract_text((corpus_dir / file_name).read_text("utf-8"), file_name)
    assert [d.doc_number for d in documents] == [doc_number]
    assert len(documents[0].clauses) == clauses


def test_run_extract_prints_jsonl_and_reports_unreadable_files(tmp_path) -> None:
    good = tmp_path / "policy.txt"
    good.write_text(POLICY, encoding="gb18030")
    out, err = io.StringIO(), io.StringIO()
    assert run_extract([str(good), str(tmp_path / "missing.txt")], "jsonl", out, err) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["doc_number"] == "衢政发〔2030〕3号"
    assert "missing.txt" in err.getvalue()
    assert run_extract([str(good)], "xml", io.StringIO(), io.StringIO()) == 2
