"""Documents in the styles of other local governments (notices we wrote, not corpus text): other label
words, half-width punctuation, prose assignments, units outside the Quzhou directory, other numbering
layouts. Each row: a document → the facts of some of its clauses. Then rows that refer to real lines
of ../shared/corpus by file and line (read at test time)."""
from __future__ import annotations

import pytest

from services.extract.model import Clause, Document
from services.extract.pipeline import extract_text_with_warnings

# Expected units of a clause: (name as printed, role, canonical or None).
U = tuple[str, str, str | None]

NDRC = "衢州市发展和改革委员会"
FINANCE = "衢州市财政局"
STATS = "衢州市统计局"
HOUSING = "衢州市住房和城乡建设局"

# A 市 notice that issues one plan; the plan numbers 一、（一）… and assigns with 牵头单位/配合单位 in one bracket.
LEAD_AND_SUPPORT_IN_ONE_BRACKET = """湖州市人民政府办公室关于印发2031年扩大有效投资行动方案的通知
湖政办发﹝2031﹞8号
各区县人民政府，市政府各部门：
现将《2031年扩大有效投资行动方案》印发给你们，请认真贯彻执行。
湖州市人民政府办公室
2031年2月20日
2031年扩大有效投资行动方案
一、加快重大项目建设
（一）狠抓项目开工。全年新开工重大项目120个以上。（牵头单位：市发改委，配合单位：市财政局、市统计局）
（二）强化要素保障。统筹用地指标向重大项目倾斜。（牵头单位：市城管委；配合单位：各区县政府、市园林局等）
二、激发民间投资
（三）推介民间投资项目。（责任单位：市工商联、市发改委）
"""

# Line-start labels with an official and a ；between labels; a flat `1.` list with ASCII dots.
OFFICIAL_AND_UNIT_ON_ONE_LINE = """关于分解落实2031年民生实事项目的通知
1.推进老旧小区改造。年内完成改造小区50个。
责任领导：张三；责任单位：市住建局
2.实施城市更新行动。
责任领导：李四、王五副市长；牵头单位：市住建局；配合单位：市城管局、市财政局
3.新建城市书房10家。
责任部门：市文化局
"""

# 主办单位/协办单位 labels and half-width brackets, colons and commas with `1.`/`(1)` numbering.
HOST_AND_HALF_WIDTH = """金华市人民政府关于举办2031年全民运动会的通知
金政发[2031]3号
各县(市、区)人民政府,市政府各部门:
1. 赛事安排(主办单位:市体育局;协办单位:市教育局、团市委)
(1) 开幕式于5月1日举行,年底前完成全部赛事.(责任单位:市体育局,各县(市、区)政府)
(2) 做好安全保障.(责任单位:市公安局)
2. 经费保障.(责任单位:市财政局)
金华市人民政府
2031年3月1日
"""

# 列第一位的为牵头单位; trailing 等; 各乡镇（街道）; county-level units outside the directory.
FIRST_LISTED_LEADS = """安吉县人民政府办公室关于印发美丽乡村建设三年行动计划的通知
安政办发〔2031〕21号
各乡镇人民政府、街道办事处，县政府各部门：
现将《美丽乡村建设三年行动计划》印发给你们，请认真组织实施。
安吉县人民政府办公室
2031年4月2日
美丽乡村建设三年行动计划
（以下各项任务列第一位的为牵头单位，下同）
一、主要任务
（一）改善人居环境。到2033年，农村生活垃圾分类覆盖率达到100%。（责任单位：县农业农村局、县住建局、各乡镇（街道））
（二）发展乡村产业。（责任单位：县文旅局、县商务局等）
"""

# Prose assignments: 由X会同Y负责, X负责…, 由X牵头、Y配合.
PROSE_ASSIGNMENTS = """关于加强城市内涝治理的实施意见
一、明确职责分工
（一）排水设施建设由市住建局会同市水利局负责。
（二）市气象局负责暴雨预警信息发布，各乡镇（街道）负责转移安置受威胁群众。
（三）由市应急管理局牵头，市消防救援支队、市公安局配合，组织开展应急演练。
二、加强督查考核
（四）企业负责人要落实防汛主体责任，做到各负其责。
"""

# A notice numbered 一、二、 that issues ONE numbered plan: no part prefixes.
NOTICE_WITH_ONE_PLAN = """绍兴市人民政府关于印发绍兴市数字经济发展规划的通知
绍政发〔2031〕2号
各区、县（市）人民政府，市政府各部门：
现将《绍兴市数字经济发展规划》印发给你们，并就有关事项通知如下：
一、提高思想认识。各地各部门要把数字经济作为一号工程。
二、强化督查考核。市发改委负责年度评估。
绍兴市人民政府
2031年1月8日
绍兴市数字经济发展规划
一、发展基础
二、主要任务
（一）建设数字基础设施。到2035年，建成5G基站2万个。（责任单位：市经信局）
三、保障措施
（一）加强组织领导。（责任单位：市发改委）
"""

# The same, but the notice names its plan only in its title.
NOTICE_WITH_ONE_PLAN_NAMED_IN_TITLE = NOTICE_WITH_ONE_PLAN.replace("现将《绍兴市数字经济发展规划》", "现将该规划")

# 二、 continues the numbering of 一、: items 1．2． then 3．4． (paths 2.3, 2.4, not 2.1, 2.2).
CONTINUOUS_ITEMS = """关于推进科技创新的若干举措
一、壮大创新主体
1．培育科技型企业。（责任单位：市科技局）
2．支持企业研发。（责任单位：市科技局、市财政局）
二、集聚创新人才
3．引进高层次人才。（责任单位：市委人才办）
4．培养青年科技人才。（责任单位：市人社局）
"""

# 一．numbering; an official with his title in brackets; two labels on one line parted by a space;
# `（牵头）` after the leading unit of a list.
LABELS_PARTED_BY_SPACE = """关于做好2031年防汛工作的通知
一．落实防汛责任
1．落实包保责任。责任领导：赵六（副市长）
牵头单位：市水利局 配合单位：市应急管理局、市气象局
2．加强隐患排查。（责任单位：市水利局（牵头）、市住建局、市交通运输局）
二．强化应急保障
3．充实抢险队伍。(牵头市领导:钱七;责任单位:市应急管理局)
"""

# A red-head notice: 文件 banner, 文号 above the title, half-width labels, a date in Chinese numerals.
RED_HEAD_NOTICE = """湖州市人民政府办公室文件
湖政办发〔2031〕9号
湖州市人民政府办公室关于做好春耕生产工作的通知
各区县人民政府，市政府各部门：
一、抓好粮食生产。全年粮食播种面积稳定在120万亩以上。(牵头单位:市农业农村局;配合单位:市财政局)
二、加强农资保障。（责任单位：市供销社、市市场监管局）
湖州市人民政府办公室
二〇三一年二月二十日
（此件公开发布）
"""

# A task table (tab-separated, as a word processor exports it) with a 责任领导 column and a 完成时限 column.
TASK_TABLE = """嘉兴市2031年重点工作任务分解表
序号\t工作任务\t责任领导\t牵头单位\t配合单位\t完成时限
1\t建成城市书房20家\t孙八\t市文广旅游局\t市财政局\t2031年10月底前
2\t改造老旧小区30个\t周九、吴十\t市建委\t各区政府\t2031年12月底前
"""


def _extract(text: str) -> tuple[list[Document], list[str]]:
    documents, warnings = extract_text_with_warnings(text, "other.txt")
    assert documents, warnings
    return documents, warnings


def _clauses(text: str) -> dict[str, Clause]:
    return {clause.path: clause for clause in _extract(text)[0][0].clauses}


def _units(clause: Clause) -> list[U]:
    return [(unit.name, unit.role, unit.canonical) for unit in clause.units]


@pytest.mark.parametrize(
    ("text", "path", "units"),
    [
        (LEAD_AND_SUPPORT_IN_ONE_BRACKET, "1.1",
         [("市发改委", "lead", NDRC), ("市财政局", "support", FINANCE), ("市统计局", "support", STATS)]),
        (LEAD_AND_SUPPORT_IN_ONE_BRACKET, "1.2",
         [("市城管委", "lead", None), ("各区县政府", "support", None), ("市园林局", "support", None)]),
        (LEAD_AND_SUPPORT_IN_ONE_BRACKET, "2.3", [("市工商联", "responsible", "衢州市工商业联合会"),
                                                  ("市发改委", "responsible", NDRC)]),
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, "1", [("市住建局", "responsible", HOUSING)]),
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, "2",
         [("市住建局", "lead", HOUSING), ("市城管局", "support", None), ("市财政局", "support", FINANCE)]),
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, "3", [("市文化局", "responsible", None)]),
        (HOST_AND_HALF_WIDTH, "1", [("市体育局", "lead", "衢州市体育局"), ("市教育局", "support", "衢州市教育局"),
                                    ("团市委", "support", "共青团衢州市委员会")]),
        (HOST_AND_HALF_WIDTH, "1.1",
         [("市体育局", "responsible", "衢州市体育局"), ("各县(市、区)政府", "responsible", None),
          ("市体育局", "lead", "衢州市体育局"), ("市教育局", "support", "衢州市教育局"),
          ("团市委", "support", "共青团衢州市委员会")]),
        (HOST_AND_HALF_WIDTH, "1.2", [("市公安局", "responsible", "衢州市公安局"), ("市体育局", "lead", "衢州市体育局"),
                                      ("市教育局", "support", "衢州市教育局"), ("团市委", "support", "共青团衢州市委员会")]),
        (HOST_AND_HALF_WIDTH, "2", [("市财政局", "responsible", FINANCE)]),
        (FIRST_LISTED_LEADS, "1.1",
         [("县农业农村局", "lead", None), ("县住建局", "responsible", None), ("各乡镇（街道）", "responsible", None)]),
        (FIRST_LISTED_LEADS, "1.2", [("县文旅局", "lead", None), ("县商务局", "responsible", None)]),
        (PROSE_ASSIGNMENTS, "1.1", [("市住建局", "lead", HOUSING), ("市水利局", "support", "衢州市水利局")]),
        (PROSE_ASSIGNMENTS, "1.2", [("市气象局", "responsible", "衢州市气象局"), ("各乡镇（街道）", "responsible", None)]),
        (PROSE_ASSIGNMENTS, "1.3", [("市应急管理局", "lead", "衢州市应急管理局"),
                                    ("市消防救援支队", "support", "衢州市消防救援支队"),
                                    ("市公安局", "support", "衢州市公安局")]),
        (PROSE_ASSIGNMENTS, "2.4", []),  # 负责人 is a person, 各负其责 no one in particular
        (NOTICE_WITH_ONE_PLAN, "2.1", [("市经信局", "responsible", "衢州市经济和信息化局")]),
        (NOTICE_WITH_ONE_PLAN, "3.1", [("市发改委", "responsible", NDRC)]),
        (CONTINUOUS_ITEMS, "2.4", [("市人社局", "responsible", "衢州市人力资源和社会保障局")]),
        (RED_HEAD_NOTICE, "1", [("市农业农村局", "lead", "衢州市农业农村局"), ("市财政局", "support", FINANCE)]),
        (TASK_TABLE, "table1/row/2", [("市建委", "lead", None), ("各区政府", "support", None)]),
        # A section heading's units, all roles, hold for every clause below it.
        ("一、稳定工业经济（牵头单位：市经信局；配合单位：市财政局）\n（一）支持企业技改。（责任单位：市商务局）\n", "1.1",
         [("市商务局", "responsible", "衢州市商务局"), ("市经信局", "lead", "衢州市经济和信息化局"),
          ("市财政局", "support", FINANCE)]),
        ("1. 整治违法建筑。\n责任单位：市城管局 市规划局 各区政府\n", "1",
         [("市城管局", "responsible", None), ("市规划局", "responsible", None), ("各区政府", "responsible", None)]),
        (LABELS_PARTED_BY_SPACE, "1.1", [("市水利局", "lead", "衢州市水利局"),
                                         ("市应急管理局", "support", "衢州市应急管理局"),
                                         ("市气象局", "support", "衢州市气象局")]),
        (LABELS_PARTED_BY_SPACE, "1.2", [("市水利局", "lead", "衢州市水利局"),
                                         ("市住建局", "responsible", HOUSING),
                                         ("市交通运输局", "responsible", "衢州市交通运输局")]),
        (LABELS_PARTED_BY_SPACE, "2.3", [("市应急管理局", "responsible", "衢州市应急管理局")]),
    ],
)
def test_units_and_roles(text: str, path: str, units: list[U]) -> None:
    assert _units(_clauses(text)[path]) == units


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        (LEAD_AND_SUPPORT_IN_ONE_BRACKET, ["1", "1.1", "1.2", "2", "2.3"]),
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, ["1", "2", "3"]),
        (HOST_AND_HALF_WIDTH, ["1", "1.1", "1.2", "2"]),
        (FIRST_LISTED_LEADS, ["1", "1.1", "1.2"]),
        (NOTICE_WITH_ONE_PLAN, ["1", "2", "1", "2", "2.1", "3", "3.1"]),
        (NOTICE_WITH_ONE_PLAN_NAMED_IN_TITLE, ["1", "2", "1", "2", "2.1", "3", "3.1"]),
        (CONTINUOUS_ITEMS, ["1", "1.1", "1.2", "2", "2.3", "2.4"]),
        (LABELS_PARTED_BY_SPACE, ["1", "1.1", "1.2", "2", "2.3"]),
        # Windows line ends and paragraphs indented with full-width spaces, as word processors save them.
        (CONTINUOUS_ITEMS.replace("\n", "\r\n"), ["1", "1.1", "1.2", "2", "2.3", "2.4"]),
        ("\n".join("\u3000\u3000" + line for line in CONTINUOUS_ITEMS.split("\n")), ["1", "1.1", "1.2", "2", "2.3", "2.4"]),
    ],
)
def test_paths(text: str, paths: list[str]) -> None:
    assert [clause.path for clause in _extract(text)[0][0].clauses] == paths


@pytest.mark.parametrize(
    ("text", "path", "officials"),
    [
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, "1", ["张三"]),
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, "2", ["李四", "王五"]),
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, "3", []),
        (LABELS_PARTED_BY_SPACE, "1.1", ["赵六"]),
        (LABELS_PARTED_BY_SPACE, "2.3", ["钱七"]),
        (TASK_TABLE, "table1/row/1", ["孙八"]),
        (TASK_TABLE, "table1/row/2", ["周九", "吴十"]),
    ],
)
def test_officials(text: str, path: str, officials: list[str]) -> None:
    assert _clauses(text)[path].officials == officials


@pytest.mark.parametrize(
    ("text", "doc_number", "signed_date"),
    [
        (LEAD_AND_SUPPORT_IN_ONE_BRACKET, "湖政办发〔2031〕8号", "2031-02-20"),
        (HOST_AND_HALF_WIDTH, "金政发〔2031〕3号", "2031-03-01"),
        (RED_HEAD_NOTICE, "湖政办发〔2031〕9号", "2031-02-20"),
        (OFFICIAL_AND_UNIT_ON_ONE_LINE, None, None),  # a notice printed without 文号
        (PROSE_ASSIGNMENTS, None, None),
    ],
)
def test_document_header(text: str, doc_number: str | None, signed_date: str | None) -> None:
    documents, _ = _extract(text)
    assert len(documents) == 1
    assert (documents[0].doc_number, documents[0].signed_date) == (doc_number, signed_date)


def test_clause_text_leaves_out_label_lines() -> None:
    clauses = _clauses(OFFICIAL_AND_UNIT_ON_ONE_LINE)
    assert clauses["1"].text == "推进老旧小区改造。年内完成改造小区50个。"


def test_unknown_numbering_costs_facts_and_says_so() -> None:
    # Items lettered A. B. are no numbering the engine knows: the label's units are lost, and a warning says so.
    text = "关于加强物业管理的通知\nA. 加强物业服务监管。（责任单位：市住建局）\nB. 规范物业收费行为。"
    documents, warnings = extract_text_with_warnings(text, "articles.txt")
    assert len(documents) == 1 and not any(clause.units for clause in documents[0].clauses)
    assert any("outside any numbered clause" in warning for warning in warnings)


def test_attached_project_list_is_not_the_last_clause_text() -> None:
    # A project list attached after the last clause, printed one cell per line with long cells.
    text = (
        "关于推进科技创新的若干举措\n一、壮大创新主体\n1．培育科技型企业。\n2．支持企业研发创新。\n"
        "附件：2031年重点项目清单\n新建科创大走廊一期工程，总投资50亿元，年底前开工建设\n改造提升孵化器3家，建设期限2031-2033年\n"
    )
    clause = _clauses(text)["1.2"]
    assert "项目" not in clause.text and not clause.targets and not clause.deadlines


def test_task_table_deadline_column() -> None:
    clause = _clauses(TASK_TABLE)["table1/row/2"]
    assert [(d.date, d.kind) for d in clause.deadlines] == [("2031-12-31", "due")]


def test_table_printed_one_cell_per_line_inside_a_clause_is_passed_over() -> None:
    # An indicator table printed column by column in the middle of a clause; the clause goes on after it.
    cells = "序号\n1\n2\n3\n主要指标\n城市书房（家）\n口袋公园（个）\n绿道（公里）\n2030年\n12\n30\n50\n2035年\n20\n45\n80"
    text = f"一、主要目标\n（一）发展目标。到2035年，主要指标如下：\n{cells}\n（责任单位：市发改委）\n（二）保障措施。\n"
    clause = _clauses(text)["1.1"]
    assert "书房" not in clause.text and not clause.targets
    assert _units(clause) == [("市发改委", "responsible", NDRC)]


# --- the real thing: lines of ../shared/corpus, read at test time -------------------------------------------
FILE_2023 = "001_b286056cb3e9ed77.txt"
FILE_2021 = "004_fc46d7406a82550f.txt"
FILE_2024 = "000_d96df1f4540694e4.txt"
_extracted: dict[str, tuple[list[str], list[Document]]] = {}


def _corpus(corpus_dir, file_name: str) -> tuple[list[str], list[Document]]:
    """(raw lines, documents) of a corpus file, extracted once per test session."""
    if file_name not in _extracted:
        raw = (corpus_dir / file_name).read_text("utf-8")
        _extracted[file_name] = (raw.splitlines(), _extract(raw)[0])
    return _extracted[file_name]


def _clause_holding(corpus_dir, file_name: str, line: int) -> Clause:
    """The clause whose printed text holds raw line `line` (wraps are re-joined, so the line is one run)."""
    lines, documents = _corpus(corpus_dir, file_name)
    fragment = lines[line - 1].strip()
    for document in documents:
        for clause in document.clauses:
            if fragment in document.text[clause.span[0] : clause.span[1]]:
                return clause
    raise AssertionError(f"no clause holds {file_name}:{line}")


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("file_name", "line", "before", "after", "role"),
    [
        (FILE_2023, 353, "由", "协调", "responsible"),  # 由X协调 among the 由X负责和协调 list
        (FILE_2023, 329, "设在", "，", "responsible"),  # 办公室设在X，负责…
        (FILE_2023, 5112, "由", "会同", "lead"),  # 由X会同Y制定
        (FILE_2023, 5112, "会同", "制定", "support"),
        (FILE_2021, 15304, "。", "负责", "responsible"),  # X负责汇总 in prose
    ],
)
def test_corpus_prose_assignments(corpus_dir, file_name: str, line: int, before: str, after: str, role: str) -> None:
    printed = _corpus(corpus_dir, file_name)[0][line - 1]
    name = printed.split(before, 1)[1].split(after, 1)[0]
    assert (name, role) in [(u.name, u.role) for u in _clause_holding(corpus_dir, file_name, line).units]


@pytest.mark.corpus
def test_corpus_officials_line_is_not_glued_to_the_next_label(corpus_dir) -> None:
    # 牵头市领导：A…、B… is nearly a full line; the 牵头单位 line below it is a line of its own.
    printed = _corpus(corpus_dir, FILE_2023)[0][8673 - 1]
    assert len(_clause_holding(corpus_dir, FILE_2023, 8673).officials) == printed.count("、") + 1


@pytest.mark.corpus
def test_corpus_wrapped_numbered_heading_is_rejoined(corpus_dir) -> None:
    # A numbered paragraph's first line is indented, so it is shorter than a full line yet still wraps.
    lines = _corpus(corpus_dir, FILE_2021)[0]
    clause = _clause_holding(corpus_dir, FILE_2021, 147)
    assert lines[147 - 1].strip()[2:] + lines[149 - 1].strip()[:5] in clause.text


@pytest.mark.corpus
@pytest.mark.parametrize(("file_name", "line"), [(FILE_2021, 217), (FILE_2021, 1816)])
def test_corpus_indicator_table_cells_are_no_clause_text(corpus_dir, file_name: str, line: int) -> None:
    # An indicator table printed one cell per line inside a clause: its cells are not the clause's words.
    lines, documents = _corpus(corpus_dir, file_name)
    cell = lines[line - 1].strip()
    assert cell and not any(cell in clause.text for document in documents for clause in document.clauses)


@pytest.mark.corpus
@pytest.mark.parametrize("file_name", [FILE_2024, FILE_2023, FILE_2021])
def test_corpus_no_clause_is_made_of_table_fragments(corpus_dir, file_name: str) -> None:
    # Tables printed one character per line (rebuilt or not) yield no numbered clauses such as `130.1`.
    for document in _corpus(corpus_dir, file_name)[1]:
        for clause in document.clauses:
            pieces = clause.text.split("\n")
            assert len(pieces) < 4 or sum(len(piece) <= 3 for piece in pieces) < len(pieces) / 2, clause.path


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("file_name", "doc_number", "prefixed"),
    [
        (FILE_2021, "衢政发〔2021〕13号", True),  # two plans, each numbered from 一、
        (FILE_2023, "衢政办发〔2023〕16号", True),  # an opinion and three attached plans
        (FILE_2023, "衢政办发〔2023〕11号", False),  # a notice issuing one plan
        (FILE_2023, "衢政办发〔2023〕13号", False),
    ],
)
def test_corpus_part_prefixes(corpus_dir, file_name: str, doc_number: str, prefixed: bool) -> None:
    document = next(d for d in _corpus(corpus_dir, file_name)[1] if d.doc_number == doc_number)
    numbered = [c.path for c in document.clauses if not c.path.startswith("table")]
    assert numbered and all(("/" in path) == prefixed for path in numbered)

