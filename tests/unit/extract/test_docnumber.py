"""文号: printed variants → one spelling; numbers found in running text, never their surroundings."""
from __future__ import annotations

import pytest

from services.extract.docnumber import DOC_NUMBER_RE, find_doc_numbers, normalize_doc_number


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("衢政发[2023]11 号", "衢政发〔2023〕11号"),
        ("衢政办发（2024）10号", "衢政办发〔2024〕10号"),
        ("衢自然资规〔2023〕44 号", "衢自然资规〔2023〕44号"),
        ("浙发改规划［2021］256号", "浙发改规划〔2021〕256号"),
        ("衢政干 〔2023〕 5号", "衢政干〔2023〕5号"),
        ("衢政发〔2024〕7号", "衢政发〔2024〕7号"),
    ],
)
def test_normalize_doc_number(printed: str, expected: str) -> None:
    assert normalize_doc_number(printed) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据《关于做好普查工作的通知》（浙政发〔2023〕11号）精神，", ["浙政发〔2023〕11号"]),
        ("经研究，决定对衢发改发〔2022〕61号文件予以废止。", ["衢发改发〔2022〕61号"]),
        ("关于废止衢发改发〔2022〕61号文件的通知", ["衢发改发〔2022〕61号"]),
        ("（衢政干〔2023〕5号）", ["衢政干〔2023〕5号"]),
        ("标准的通知》（衢土资〔2011〕85\n号）同时废止", ["衢土资〔2011〕85号"]),
        ("按照浙政办发[2021]20号和衢政办发（2021）8号执行", ["浙政办发〔2021〕20号", "衢政办发〔2021〕8号"]),
        ("规划期为（2023—2027年），自2024年3月4日起施行", []),
        ("浙江省人民政府令第392号", []),
    ],
)
def test_find_doc_numbers(text: str, expected: list[str]) -> None:
    found = find_doc_numbers(text)
    assert [number for number, _, _ in found] == expected
    for number, start, end in found:  # the offsets cover the printed number, nothing around it
        assert normalize_doc_number(text[start:end]) == number


def test_pattern_is_compiled_and_matches_printed_form() -> None:
    assert DOC_NUMBER_RE.search("衢市司发〔2024〕1号") is not None


def test_wrapped_citation_in_corpus(corpus_dir) -> None:
    # 004 l.16037/16039: a cited 文号 broken by the line wrap between prefix and bracket.
    lines = (corpus_dir / "004_fc46d7406a82550f.txt").read_text(encoding="utf-8").splitlines()
    joined = lines[16036].strip() + lines[16038].strip()
    numbers = [number for number, _, _ in find_doc_numbers(joined)]
    assert len(numbers) == 1 and numbers[0].endswith("〔2020〕18号")
