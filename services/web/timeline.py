"""The deadline timeline of a unit page: the next 12 months as an SVG picture, one dot per deadline, coloured by
its traffic light and linked to its clause. Pure: items in, SVG text out (no JavaScript, scales to a phone)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from services.web.status import traffic_light

WIDTH, LEFT, RIGHT, TOP, LANE, MAX_LANES = 960, 70, 20, 34, 16, 8
DOT_RADIUS = 6
COLOURS = {"overdue": "#8e1b1b", "red": "#d93025", "yellow": "#f2a600", "green": "#1e8e3e"}


@dataclass(frozen=True)
class TimelineItem:
    due: date
    label: str  # tooltip: document, clause and what is due
    href: str


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def timeline_svg(items: list[TimelineItem], today: date, months: int = 12) -> str:
    """Dots between today and today + `months`; earlier (overdue) items are counted in a badge on the left,
    later ones left out. Dots closer than a dot's width stack in lanes."""
    end = _add_months(today.replace(day=1), months)
    span = (end - today).days or 1
    inner = WIDTH - LEFT - RIGHT

    def x_of(day: date) -> float:
        return LEFT + inner * (day - today).days / span

    shown = sorted((i for i in items if today <= i.due < end), key=lambda i: i.due)
    lane_end: list[float] = []
    dots: list[str] = []
    for item in shown:
        x = x_of(item.due)
        lane = next((k for k, last in enumerate(lane_end) if x - last >= 2 * DOT_RADIUS + 1), None)
        if lane is None:
            lane = min(len(lane_end), MAX_LANES - 1)
            if lane == len(lane_end):
                lane_end.append(x)
        lane_end[lane] = x
        y = TOP + 14 + lane * LANE
        colour = COLOURS[traffic_light(item.due, today)]
        title = escape(f"{item.due.isoformat()} {item.label}")
        dots.append(f'<a href={quoteattr(item.href)}><circle class="dot" cx="{x:.1f}" cy="{y}" r="{DOT_RADIUS}" '
                    f'fill="{colour}"><title>{title}</title></circle></a>')
    height = TOP + 14 + max(len(lane_end), 1) * LANE + 8

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" role="img" aria-label="未来{months}个月的截止时间轴">',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}" stroke="#888" stroke-width="1"/>']
    month = _add_months(today.replace(day=1), 1)
    while month < end:
        x = x_of(month)
        label = f"{month.year}年1月" if month.month == 1 else f"{month.month}月"
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 5}" x2="{x:.1f}" y2="{height - 4}" stroke="#ddd"/>'
                     f'<text x="{x:.1f}" y="{TOP - 10}" font-size="13" text-anchor="middle" fill="#555">'
                     f'{label}</text>')
        month = _add_months(month, 1)
    parts.append(f'<line x1="{LEFT}" y1="{TOP - 14}" x2="{LEFT}" y2="{height - 4}" stroke="#1a73e8" '
                 f'stroke-width="2"/><text x="{LEFT + 4}" y="{TOP - 18}" font-size="13" fill="#1a73e8">今天</text>')
    overdue = sum(1 for i in items if i.due < today)
    if overdue:
        parts.append(f'<g class="overdue-badge"><rect x="4" y="{TOP + 4}" width="{LEFT - 12}" height="22" rx="4" '
                     f'fill="{COLOURS["overdue"]}"/><text x="{(LEFT - 4) / 2:.1f}" y="{TOP + 20}" font-size="13" '
                     f'text-anchor="middle" fill="#fff">逾期{overdue}</text></g>')
    parts += dots
    parts.append("</svg>")
    return "".join(parts)
