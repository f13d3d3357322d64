"""Deadlines, document dates and the document year: tables of [text, context, expected], then corpus references."""
from __future__ import annotations

import datetime as dt

import pytest

from services.extract.deadlines import DateContext, document_year, find_deadlines, find_document_dates
from services.extract.model import Deadline

PLAN_2024 = DateContext(year=2024, signed_date=dt.date(2024, 3, 4))
PLAN_2023 = DateContext(year=2023, signed_date=dt.date(2023, 4, 20))
SIGNED_LATE = DateContext(year=2024, signed_date=dt.date(2024, 9, 10))


def due(text: str, date: str) -> Deadline:
    return Deadline(text, date, "due")


DEADLINE_CASES = [
    # month ends, with and without 前, spaces as printed
    ["新建停车场项目 9 月底前全部完成验收。", PLAN_2024, [due("9 月底前", "2024-09-30")]],
    ["力争 7 月底完成二期厂房主体施工。", PLAN_2024, [due("7 月底", "2024-07-31")]],
    ["2月底前完成清查。", PLAN_2024, [due("2月底前", "2025-02-28")]],  # already past at signing: next year
    ["各地要在2023年5月底前建立联络员制度。", PLAN_2023, [due("2023年5月底前", "2023-05-31")]],
    ["2023年8月15日前报送自查报告。", PLAN_2023, [due("2023年8月15日前", "2023-08-15")]],
    ["服务驿站2023年9月正式对外运营。", PLAN_2023, [Deadline("2023年9月", "2023-09-30", "milestone")]],
    # quarters and halves
    ["签约率一季度达到 20%、二季度达到 50%、三季度达到 90%以上。", PLAN_2024,
     [Deadline("一季度", "2024-03-31", "milestone"), Deadline("二季度", "2024-06-30", "milestone"),
      Deadline("三季度", "2024-09-30", "milestone")]],
    ["二季度末前完成验收。", SIGNED_LATE, [due("二季度末前", "2025-06-30")]],
    ["上半年完成选址，年底前建成投用。", PLAN_2024,
     [Deadline("上半年", "2024-06-30", "milestone"), due("年底前", "2024-12-31")]],
    ["专班每季度通报一次进展，总结上一季度问题。", PLAN_2024, [Deadline("每季度", None, "recurring")]],
    # years
    ["到2026年，全市养老床位总数达到1.2万张。", PLAN_2023, [due("到2026年", "2026-12-31")]],
    ["到 2023年底，全市农村饮用水达标率稳步提升。", PLAN_2023, [due("到 2023年底", "2023-12-31")]],
    ["力争在2027年前建成。", PLAN_2023, [due("2027年前", "2027-12-31")]],
    ["到2024年6月底前完成。", PLAN_2023, [due("2024年6月底前", "2024-06-30")]],
    ["2024 年，全市新建公园 12 个。2024 年，全市改造绿道。", PLAN_2024,
     [Deadline("2024 年", "2024-12-31", "period")]],
    ["优化奖补办法，2024年度市级安排专项资金3.2亿元。", PLAN_2024, [Deadline("2024年度", "2024-12-31", "period")]],
    ["全年新增上市公司 5 家。", PLAN_2024, [Deadline("全年", "2024-12-31", "period")]],
    ["力争2024年开工、2028年建成。", PLAN_2023,
     [Deadline("2024年", "2024-12-31", "milestone"), Deadline("2028年", "2028-12-31", "milestone")]],
    ["2023—2027年，每年新增项目100个。", PLAN_2023,
     [Deadline("2023—2027年", "2027-12-31", "period"), Deadline("每年", None, "recurring")]],
    ["“十四五”末城乡居民医保参保率稳定在 99%以上。", DateContext(2021, dt.date(2021, 8, 16)),
     [due("“十四五”末", "2025-12-31")]],
    ["本办法自 2024年 5月 1日起施行。", PLAN_2024, [Deadline("自 2024年 5月 1日起施行", "2024-05-01", "effective")]],
    # not deadlines: qualifiers, past results, titles, eligibility, dates of record
    ["改造 2005年底前建成的老旧供水管网。", PLAN_2023, []],
    ["至2020年底，全市已建成站点100个。", DateContext(2021, dt.date(2021, 8, 2)), []],
    ["将达标企业列入 2024 年享受电价优惠名单。", PLAN_2024, []],
    ["认真落实《数字乡村建设行动方案（2024-2026 年）》。", PLAN_2024, []],
    ["在2023年试点基础上扩大范围。", PLAN_2024, []],
    ["毕业3年内的青年、65 岁以上独居老人。", PLAN_2024, []],
    ["统计截止日为2023年11月30日。", PLAN_2023, []],
    ["某市人民政府 2024 年 2 月 18 日", PLAN_2024, []],
    ["实施医疗人才五年培养计划，招聘月嫂和护工。", PLAN_2024, []],
    # odd input: nothing, never an exception
    ["", PLAN_2024, []],
    ["2024年2月30日前完成。13月底前。", PLAN_2024, []],
]


@pytest.mark.parametrize(("text", "ctx", "expected"), DEADLINE_CASES)
def test_find_deadlines(text: str, ctx: DateContext, expected: list[Deadline]) -> None:
    assert find_deadlines(text, ctx) == expected


DOCUMENT_DATE_CASES = [
    ["六、本规定自 2024年 6月 1日起施行。", PLAN_2024, ("2024-06-01", None)],
    ["本细则自印发之日起施行。", PLAN_2023, ("2023-04-20", None)],
    ["本价格自2023年7月1日起执行，试行期限自执行之日起3年。", PLAN_2023, ("2023-07-01", "2026-06-30")],
    ["以上措施另有期限的从其规定，其余均为 2024 年全年实施有效。", PLAN_2024, ("2024-01-01", "2024-12-31")],
    ["本办法自2022年1月1日起施行，有效期至2026年12月31日。", PLAN_2024, ("2022-01-01", "2026-12-31")],
    ["新标准自2021年春季学期开学起执行。", PLAN_2024, (None, None)],
    ["资质证书在有效期内的企业可以申报。", PLAN_2024, (None, None)],
]


@pytest.mark.parametrize(("text", "ctx", "expected"), DOCUMENT_DATE_CASES)
def test_find_document_dates(text: str, ctx: DateContext, expected: tuple[str | None, str | None]) -> None:
    assert find_document_dates(text, ctx) == expected


DOCUMENT_YEAR_CASES = [
    ["某市人民政府办公室关于印发2024年民生实事项目任务分解的通知", "", "2024-03-04", 2024],
    ["关于印发2025年重点工作任务清单的通知", "", "2024-12-20", 2025],  # next year's plan signed in December
    ["某市人民政府关于2022年度科技进步奖获奖项目的通报", "", "2023-04-03", 2023],
    ["关于印发城市更新行动方案（2023—2027年）的通知", "", "2023-04-06", 2023],
    [None, "以上措施另有期限的从其规定，其余均为 2024 年全年实施有效。", None, 2024],
    [None, "经研究决定。2021 年 8 月 2 日", None, 2021],
    [None, "没有年份。", None, None],
]


@pytest.mark.parametrize(("title", "text", "signed", "expected"), DOCUMENT_YEAR_CASES)
def test_document_year(title: str | None, text: str, signed: str | None, expected: int | None) -> None:
    assert document_year(title, text, signed) == expected


def corpus_text(corpus_dir, prefix: str, first: int, last: int) -> str:
    """Lines first..last (1-based) of a corpus file, hard wraps and blank lines removed."""
    path = next(corpus_dir.glob(f"{prefix}_*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1:last]
    return "".join(line.strip() for line in lines)


CORPUS_CASES = [
    # 衢政办发〔2024〕10号 task 7 (clean text): three quarter milestones and a month-end due date
    ["003", 63, 63, PLAN_2024, ["2024-03-31", "2024-06-30", "2024-09-30", "2024-10-31"]],
    ["003", 131, 131, PLAN_2024, ["2024-06-30"]],  # task 18: 6 月底 without 前
    ["002", 23, 23, PLAN_2024, ["2024-12-31"]],  # section 1 intro: 2024年度
    ["001", 5425, 5429, PLAN_2023, ["2023-04-30", "2023-11-30"]],  # 2023年4月启动…11月底前完成 (PDF wraps)
    ["001", 4394, 4398, PLAN_2023, ["2027-12-31"]],  # `YYYY年底前建成的…` qualifies a noun; 到2027年 is due
]


@pytest.mark.corpus
@pytest.mark.parametrize(("prefix", "first", "last", "ctx", "dates"), CORPUS_CASES)
def test_corpus_deadlines(corpus_dir, prefix: str, first: int, last: int, ctx: DateContext, dates: list[str]) -> None:
    text = corpus_text(corpus_dir, prefix, first, last)
    assert [d.date for d in find_deadlines(text, ctx)] == dates


@pytest.mark.corpus
def test_corpus_document_dates(corpus_dir) -> None:
    assert find_document_dates(corpus_text(corpus_dir, "002", 255, 255), PLAN_2024) == ("2024-01-01", "2024-12-31")
    trial = corpus_text(corpus_dir, "001", 17680, 17682)
    assert find_document_dates(trial, PLAN_2023) == ("2023-04-01", "2025-03-31")
