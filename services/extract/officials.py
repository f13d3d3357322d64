"""Lead officials named for a task: `牵头市领导：A、B`, `责任领导：A；…`, `联系市领导：A副市长`."""
from __future__ import annotations

import re

from services.extract.han import all_han

_LABEL_RE = re.compile(
    r"(?:牵头市领导|责任市领导|联系市领导|分管市领导|牵头领导|责任领导|联系领导|分管领导)\s*[：:]"
    r"(?P<names>(?:[^。；;（()）\n]|[（(][^（）()\n]*[）)])*)"  # up to the bracket closing `（牵头市领导：…）`
)
_SEPARATOR_RE = re.compile(r"[、，,\s]+")
# Titles printed after a name (周向军常务副市长): the name is what comes before.
_TITLE_RE = re.compile(r"(?:市委常委|常务副市长|副市长|市长|副秘书长|秘书长|副主任|主任|副书记|书记|同志)+$")
_BRACKETED_RE = re.compile(r"[（(][^（）()]*[）)]")  # 张三（副市长）


def _is_name(text: str) -> bool:
    """Two to four Han characters (a middle dot allowed: 买买提·艾力)."""
    return 2 <= len(text) <= 4 and all_han(text.replace("·", ""))


def find_officials(text: str) -> list[str]:
    """Names of the officials `text` puts in charge, in printed order, each once."""
    names: list[str] = []
    if "领导" not in text:  # every label names 领导; most clause texts have none
        return names
    for match in _LABEL_RE.finditer(text):
        for token in _SEPARATOR_RE.split(match.group("names")):
            name = _TITLE_RE.sub("", _BRACKETED_RE.sub("", token).strip("等"))
            if _is_name(name) and name not in names:
                names.append(name)
    return names
