import re
import xml.etree.ElementTree as ET
from datetime import date

from services.web.timeline import COLOURS, TimelineItem, timeline_svg

TODAY = date(2026, 7, 1)
SVG = "{http://www.w3.org/2000/svg}"


def _dots(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f".//{SVG}circle")


def test_dots_are_placed_in_time_order_and_coloured_by_light() -> None:
    items = [TimelineItem(date(2026, 12, 31), "年底", "/d/1#a"), TimelineItem(date(2026, 7, 3), "三天", "/d/1#b"),
             TimelineItem(date(2026, 7, 20), "月中", "/d/1#c")]
    dots = _dots(timeline_svg(items, TODAY))
    xs = [float(d.get("cx")) for d in dots]
    assert xs == sorted(xs) and len(xs) == 3
    assert [d.get("fill") for d in dots] == [COLOURS["red"], COLOURS["green"], COLOURS["green"]]
    assert [d.find(f"{SVG}title").text for d in dots][0] == "2026-07-03 三天"


def test_twelve_month_labels_and_items_outside_the_window() -> None:
    items = [TimelineItem(date(2026, 6, 1), "逾期", "/x"), TimelineItem(date(2026, 6, 30), "逾期", "/y"),
             TimelineItem(date(2027, 8, 1), "太远", "/z")]
    svg = timeline_svg(items, TODAY)
    assert _dots(svg) == []
    assert "逾期2" in svg
    labels = re.findall(r">(\d+月|\d{4}年1月)<", svg)
    assert labels[0] == "8月" and "2027年1月" in labels and len(labels) == 11  # first of each month ahead


def test_dots_on_the_same_day_stack_instead_of_hiding_each_other() -> None:
    items = [TimelineItem(date(2026, 9, 30), f"任务{k}", f"/d#{k}") for k in range(3)]
    dots = _dots(timeline_svg(items, TODAY))
    assert len({d.get("cy") for d in dots}) == 3


def test_links_and_labels_are_escaped() -> None:
    svg = timeline_svg([TimelineItem(date(2026, 8, 1), "<b>&", '/d?a=1&b="2"')], TODAY)
    ET.fromstring(svg)  # well-formed
    assert "<b>" not in svg
