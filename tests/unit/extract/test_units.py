"""Unit directory and responsibility patterns: sentences written in the gazettes' style, plus real lines
of ../shared/corpus referred to by file and line."""
from __future__ import annotations

import pytest

from services.extract.units import (
    UnitDirectory,
    find_units,
    first_listed_is_lead,
    split_unit_list,
)

HRSS = "衢州市人力资源和社会保障局"


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return UnitDirectory.load()


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("市人社局", HRSS),
        ("市人力社保局", HRSS),
        ("市人社保局", HRSS),
        ("衢州市人力社保局", HRSS),
        ("市 发改委", "衢州市发展和改革委员会"),
        ("市大数据发展管理局", "衢州市数据局"),
        ("衢职院", "衢州职业技术学院"),
        ("市发改委（市委社建委）", "衢州市发展和改革委员会"),
        ("开化县政府", "开化县人民政府"),
        ("市某某不存在局", None),
        ("各县（市、区）政府", None),  # a group, not one unit
    ],
)
def test_canonical_names(directory: UnitDirectory, name: str, canonical: str | None) -> None:
    assert directory.canonical(name) == canonical


@pytest.mark.parametrize("name", ["各县（市、区）政府", "各县(市、区)政府", "各县〔市、区〕政府", "各县（市、区）人民政府"])
def test_county_governments_group(directory: UnitDirectory, name: str) -> None:
    assert directory.group(name) == "各县（市、区）政府"
    members = directory.members(name)
    assert len(members) == 6 and "江山市人民政府" in members


def test_county_pattern_group_expands_per_county(directory: UnitDirectory) -> None:
    members = directory.members("各县（市、区）司法局")
    assert len(members) == 6 and all(m.endswith("司法局") for m in members)
    assert "各县（市、区）政府" in directory.groups()


@pytest.mark.parametrize(
    ("text", "on_space", "names"),
    [
        ("市经信局、市科技局，各县（市、区）政府", False, ["市经信局", "市科技局", "各县（市、区）政府"]),
        ("市水利局 各县(市、区)政府 智造新城管委会", True, ["市水利局", "各县(市、区)政府", "智造新城管委会"]),
        ("市卫健委、市民政局等", False, ["市卫健委", "市民政局"]),
        ("市 人力 社保局；市财政局", False, ["市人力社保局", "市财政局"]),
        ("/", True, []),
    ],
)
def test_split_unit_list(text: str, on_space: bool, names: list[str]) -> None:
    assert split_unit_list(text, on_space=on_space) == names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("加快项目审批，确保按期开工。（责任单位：市经信局、市科技局）",
         [("市经信局", "responsible"), ("市科技局", "responsible")]),
        ("三、稳定外贸政策（由市商务局、市发改委牵头实施）", [("市商务局", "lead"), ("市发改委", "lead")]),
        ("推进试点扩面。（牵头单位：市卫健委，配合单位：市医保局、各县（市、区）政府）",
         [("市卫健委", "lead"), ("市医保局", "support"), ("各县（市、区）政府", "support")]),
        ("责任领导：张三；责任单位：市水利局、开化县政府等。", [("市水利局", "responsible"), ("开化县政府", "responsible")]),
        ("完善机制。(责任单位:市住建局,各县(市、区)政府)", [("市住建局", "responsible"), ("各县(市、区)政府", "responsible")]),
        ("责任单位：市文旅局、市城投集团，柯城区政府",
         [("市文旅局", "responsible"), ("市城投集团", "responsible"), ("柯城区政府", "responsible")]),
        ("推进改革(牵头单位:市卫健委,配合单位:市医保局,各县(市、区)政府)",
         [("市卫健委", "lead"), ("市医保局", "support"), ("各县(市、区)政府", "support")]),
        ("奖励资金由市体育局负责审核发放。", [("市体育局", "responsible")]),
        ("由市民政局会同市财政局制定细则。", [("市民政局", "lead"), ("市财政局", "support")]),
        ("会议由市政府分管副市长牵头召开。", []),
        ("将规划目标分解到责任单位，逐级落实。", []),
        ("", []),
    ],
)
def test_find_units(directory: UnitDirectory, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(u.name, u.role) for u in find_units(text, directory)] == expected


def test_first_listed_unit_leads_when_the_document_says_so(directory: UnitDirectory) -> None:
    assert first_listed_is_lead("（以下列第一位的为牵头单位，下同）")
    assert first_listed_is_lead("列第一位者为牵头单位")
    units = find_units("（责任单位：市发改委、市财政局）", directory, first_is_lead=True)
    assert [(u.name, u.role) for u in units] == [("市发改委", "lead"), ("市财政局", "responsible")]


def test_units_carry_canonical_names(directory: UnitDirectory) -> None:
    units = find_units("（责任单位：市人社局、各县（市、区）政府）", directory)
    assert [u.canonical for u in units] == [HRSS, None]


def _line(corpus_dir, file_name: str, number: int) -> str:
    return (corpus_dir / file_name).read_text("utf-8").splitlines()[number - 1]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("file_name", "line", "expected"),
    [
        ("002_c219690aee66b248.txt", 21, [("市发改委", "lead")]),  # section heading （由X牵头实施）
        ("002_c219690aee66b248.txt", 183, [("市农业农村局", "lead"), ("市发改委", "lead")]),
        ("002_c219690aee66b248.txt", 117, [("市发改委", "responsible"), ("市现代服务业发展工作领导小组成员单位", "responsible")]),
        ("003_ebc2be11e8b97b3c.txt", 87, [("市文旅局", "responsible"), ("市城投集团", "responsible"),
                                         ("柯城区政府", "responsible"), ("衢江区政府", "responsible"),
                                         ("龙游县政府", "responsible")]),
    ],
)
def test_corpus_lines(corpus_dir, directory: UnitDirectory, file_name: str, line: int, expected) -> None:
    assert [(u.name, u.role) for u in find_units(_line(corpus_dir, file_name, line), directory)] == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("浙大衢州“两院”、市“一园一区”专班", ["浙大衢州“两院”", "市“一园一区”专班"]),
        ("“市发改委", ["市发改委"]),
    ],
)
def test_quotes_inside_names_are_kept(text: str, names: list[str]) -> None:
    assert split_unit_list(text) == names
