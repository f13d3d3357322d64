"""Responsible units: the unit directory (aliases → one canonical name, groups) and every printed way a
document assigns a task to units (责任单位/牵头单位/配合单位/主办单位/协办单位 labels, `（由X牵头实施）`, `由X负责`,
`由X会同Y`, `X负责…`/`X牵头`/`Y配合` in prose, `市发改委（牵头）` in a list, table cells)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.extract.model import Role, Unit

_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）"})
_OPENERS = "（(〔[【"
_CLOSERS = "）)〕]】"
_WHITE_RE = re.compile(r"\s+")
_CITY_PREFIX = "衢州市"
# Next to this module (a plain path: importlib.resources costs more to import than loading the file).
_DIRECTORY_FILE = Path(__file__).parent / "data" / "units.json"


def lookup_key(name: str) -> str:
    """How names are compared: no white space, one kind of bracket."""
    return _WHITE_RE.sub("", name).translate(_BRACKETS)


@dataclass(frozen=True)
class UnitDirectory:
    """Known units of the city: alias → canonical full name, group name → member units."""

    canonical_by_alias: dict[str, str]
    members_by_group: dict[str, tuple[str, ...]]
    group_by_alias: dict[str, str]
    county_prefixes: tuple[tuple[str, str], ...]  # (full-name prefix, short name) per county
    group_prefixes: tuple[str, ...]  # 各县（市、区）X means X in every county

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> UnitDirectory:
        raw = json.loads(_DIRECTORY_FILE.read_text("utf-8"))
        return cls.from_data(raw)

    @classmethod
    def from_data(cls, raw: dict) -> UnitDirectory:
        canonical_by_alias: dict[str, str] = {}
        for entry in raw["units"]:
            canonical = entry["canonical"]
            for alias in [canonical, *entry["aliases"]]:
                key = lookup_key(alias)
                canonical_by_alias[key] = canonical
                if key.startswith("市"):  # 市X is printed as 衢州市X too
                    canonical_by_alias[_CITY_PREFIX + key[1:]] = canonical
        members_by_group: dict[str, tuple[str, ...]] = {}
        group_by_alias: dict[str, str] = {}
        for group in raw["groups"]:
            members_by_group[group["name"]] = tuple(group["members"])
            for alias in [group["name"], *group["aliases"]]:
                group_by_alias[lookup_key(alias)] = group["name"]
        counties = tuple((c["prefix"], c["short"]) for c in raw["counties"])
        prefixes = tuple(lookup_key(p) for p in raw["group_patterns"]["prefixes"])
        return cls(canonical_by_alias, members_by_group, group_by_alias, counties, prefixes)

    def canonical(self, name: str) -> str | None:
        """The full official name of a single unit, None for groups and unknown names."""
        key = lookup_key(name)
        found = self.canonical_by_alias.get(key)
        if found is None and key.endswith("）") and "（" in key:  # 市发改委（市委社建委）: dual-hatted
            found = self.canonical_by_alias.get(key[: key.index("（")])
        return found

    def group(self, name: str) -> str | None:
        """The directory's name of the group `name` denotes (各县(市、区)政府 → 各县（市、区）政府)."""
        key = lookup_key(name)
        if key in self.group_by_alias:
            return self.group_by_alias[key]
        if self._county_suffix(key):
            return key
        return None

    def groups(self) -> list[str]:
        return list(self.members_by_group)

    def members(self, group: str) -> list[str]:
        """Member units of a group; 各县（市、区）X expands to X of each county."""
        name = self.group(group)
        if name is None:
            return []
        if name in self.members_by_group:
            return list(self.members_by_group[name])
        suffix = self._county_suffix(name)
        return [prefix + suffix for prefix, _ in self.county_prefixes] if suffix else []

    def _county_suffix(self, key: str) -> str | None:
        for prefix in self.group_prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                return key[len(prefix):]
        return None

    def is_known(self, name: str) -> bool:
        return self.canonical(name) is not None or self.group(name) is not None


# Words ending a unit name; prose matches (由X负责) are kept only when they look like a unit.
# A county-level qualifier may follow in brackets: 各县（市、区）, 各乡镇（街道）, 市发改委（市委社建委）.
_UNIT_SUFFIX_RE = re.compile(
    r"(?:局|委|办|厅|部|院|会|中心|政府|集团|公司|队|社|站|所|馆|处|室|组|行|海关|学院|大学|单位|管委会|专班|指挥部"
    r"|街道|乡镇|县|区)(?:[（(][^（）()]{1,12}[）)])?$"
)
_LIST_SEPARATORS = "、，,；;"
_SEPARATORS_TO_COMMA = str.maketrans(dict.fromkeys(_LIST_SEPARATORS, "、"))
_SEPARATORS_TO_SPACE = str.maketrans(dict.fromkeys(_LIST_SEPARATORS, " "))
_TRAILING_ETC_RE = re.compile(r"(?:等(?:单位|部门)?|及其他.*)$")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_LEAD_MARK_RE = re.compile(r"[（(]牵头(?:单位|部门)?[）)]$")
_ALSO_CALLED_RE = re.compile(r"[（(](?:以下)?简称[^（）()]*[）)]")  # 市…领导小组（以下简称市领导小组）

_LABEL_ROLES: dict[str, Role] = {
    "牵头单位": "lead",
    "牵头部门": "lead",
    "责任单位": "responsible",
    "责任部门": "responsible",
    "承办单位": "responsible",
    "实施单位": "responsible",
    "配合单位": "support",
    "配合部门": "support",
    "协同单位": "support",
    "协办单位": "support",
    "主办单位": "lead",  # the host, printed against 协办单位 (co-hosts)
    "主办部门": "lead",
    "参与单位": "support",
}
# Written as a branch of literals (not `(?:决策)?…`) so the regex engine can skip to their first characters.
_LABEL_RE = re.compile(rf"(?P<label>决策(?:{'|'.join(_LABEL_ROLES)})|{'|'.join(_LABEL_ROLES)})\s*[：:]")
_LABEL_FIRST_CHARS = frozenset("决" + "".join(label[0] for label in _LABEL_ROLES))
# `由X牵头(实施)`, `由X负责(和协调)`, `由X协调`, `由X会同Y…`: X is a list of units.
_BY_RE = re.compile(r"由(?P<body>[^。；;：:，,\n由]{2,60}?)(?P<verb>牵头|负责|(?<!社)会同|协调)")
# `办公室设在市统计局，负责…`: the office is run by X.
_SEATED_RE = re.compile(r"设在(?P<body>[^。；;：:，,\n]{2,30})[，,](?=负责|牵头)")
# `…会同Y负责/制定/共同…`: Y supports.
_TOGETHER_WITH_RE = re.compile(
    r"会同(?<!社会同)(?P<body>[^。；;：:，,\n]{2,60}?)(?=负责|共同|制定|研究|组织|开展|推进|做好|落实|实施|出台|建立|完善|[。；;，,\n]|$)"
)
# `X负责…`, `X牵头…`, `X会同…`, `X配合` in prose: X stands alone between punctuation and the verb (not
# 负责人, not the labels 牵头单位/配合部门).
_PROSE_RE = re.compile(
    r"(?:^|(?<=[。；;，,：:\n]))(?P<body>[^。；;，,：:\n]{2,40}?)"
    r"(?P<verb>负责(?!人|同志)|牵头(?!单位|部门|市领导|领导)|(?<!社)会同|配合(?!单位|部门))"
)
_PROSE_ROLES: dict[str, Role] = {"负责": "responsible", "牵头": "lead", "会同": "lead", "配合": "support"}
# A prose match starts at the text's start or after punctuation and never spans punctuation, so it can only
# start a run of text between punctuation that holds one of the verbs: only those runs are tried.
_PROSE_BREAKS = "。；;，,：:\n"
_PROSE_VERB_RE = re.compile("|".join(_PROSE_ROLES))
# Words that make a stretch before the verb a sentence, not a name (设在市金融办，负责…; 由…; 市民政局要…;
# 支持鼓励市级医院牵头…; 坚持各级党委…).
_NOT_A_NAME_RE = re.compile(
    r"由|的|要|会同|将|对|把|被|是|了|在|应|可|并|从|^(?:坚持|支持|鼓励|推动|推进|加强|加快|实现|建立|健全|完善|"
    r"组织|指导|督促|落实|明确|发挥|强化|做好|开展|深化|引导|协调|统筹|积极|主动|充分|进一步|全面|切实|依法|负责)"
)
# A clause number in front of a prose subject: （二）市气象局负责….
_LEADING_NUMBER_RE = re.compile(r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]{1,3}[）)]|\d{1,3}[．.、]|[①-⑳])\s*")
_FIRST_IS_LEAD_RE = re.compile(r"列(?:第一位|首位)(?:的|者)?为牵头(?:单位|部门)")


def label_offsets(text: str) -> list[int]:
    """Where `text` prints a responsibility label (`责任单位：`, `牵头单位:` …)."""
    if "单位" not in text and "部门" not in text:  # every label ends in one of them
        return []
    return [match.start() for match in _LABEL_RE.finditer(text)]


def first_listed_is_lead(text: str) -> bool:
    """The document says "列第一位的为牵头单位": the first unit of every list leads."""
    return _FIRST_IS_LEAD_RE.search(text) is not None


def _is_whole_name(piece: str) -> bool:
    return len(piece) >= 3 and not piece.startswith(("（", "(")) and _UNIT_SUFFIX_RE.search(piece) is not None


def split_unit_list(text: str, *, on_space: bool = False) -> list[str]:
    """Unit names of a printed list: split on 、，； (and white space for table cells), never inside brackets."""
    names: list[str] = []
    for item in _list_items(text, on_space):
        pieces = item.split()
        # `市发改委 市财政局`: names parted by a space, not a wrap inside one name (`市 人力 社保局`, `市委 宣传部`).
        if len(pieces) > 1 and all(_is_whole_name(piece) for piece in pieces):
            names.extend(name for name in map(clean_unit_name, pieces) if name)
        else:
            name = clean_unit_name(item)
            if name:
                names.append(name)
    return names


def _list_items(text: str, on_space: bool) -> list[str]:
    """The printed items of a list, split on the separators outside brackets (empty items included)."""
    if not any(opener in text for opener in _OPENERS):  # the common case: str methods do it all
        if on_space:
            return text.translate(_SEPARATORS_TO_SPACE).split()
        return text.translate(_SEPARATORS_TO_COMMA).split("、")
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        if depth == 0 and (char in _LIST_SEPARATORS or (on_space and char.isspace())):
            items.append("".join(current))
            current.clear()
            continue
        current.append(char)
    items.append("".join(current))
    return items


def clean_unit_name(raw: str) -> str | None:
    """A printed name without white space, trailing 等 or stray punctuation; None if it names nothing."""
    name = "".join(raw.split())  # no white space
    if "简称" in name:  # each regex only where its words are: most names have none
        name = _ALSO_CALLED_RE.sub("", name)
    name = name.strip("。：:．.")
    if "等" in name or "及其他" in name:
        name = _TRAILING_ETC_RE.sub("", name)
    if name.count("“") != name.count("”"):  # a quote left over from the sentence, not part of a name
        name = name.strip("“”")
    if name.startswith(("（", "(")) and name.endswith(("）", ")")):
        name = name[1:-1]
    return name if _HAN_RE.search(name) and name not in {"无", "无任务"} else None


def _label_content(text: str, start: int) -> str:
    """The list after a label: up to the bracket closing the marker, 。/；, the line end or the next label."""
    depth = 0
    end = start
    while end < len(text):
        char = text[end]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            if depth == 0:
                break
            depth -= 1
        elif char in "。\n" or (
            depth == 0 and (char in "；;" or (char in _LABEL_FIRST_CHARS and _LABEL_RE.match(text, end)))
        ):
            break  # a next label may follow after `，`, a space or nothing: `牵头单位：A 配合单位：B`
        end += 1
    return text[start:end]


def looks_like_unit(name: str, directory: UnitDirectory) -> bool:
    return len(name) <= 30 and (directory.is_known(name) or _UNIT_SUFFIX_RE.search(name) is not None)


def make_unit(name: str, role: Role, directory: UnitDirectory) -> Unit:
    """The unit `name` denotes; `市发改委（牵头）` in a list is 市发改委 leading."""
    marked = _LEAD_MARK_RE.search(name) if "牵头" in name else None
    if marked and marked.start() > 0:
        name, role = name[: marked.start()], "lead"
    return Unit(name=name, role=role, canonical=directory.canonical(name))


def find_units(text: str, directory: UnitDirectory, *, first_is_lead: bool = False) -> list[Unit]:
    """Every unit `text` assigns, with its role, in order of appearance, each (name, role) once."""
    found: list[tuple[int, Unit]] = []
    # Each pattern is tried only when its key word is in the text: most clause texts hold few of them.
    if "单位" in text or "部门" in text:  # every label ends in one of them
        for match in _LABEL_RE.finditer(text):
            role = _LABEL_ROLES[match.group("label").removeprefix("决策")]
            names = split_unit_list(_label_content(text, match.end()))
            for index, name in enumerate(names):
                unit_role: Role = "lead" if first_is_lead and role == "responsible" and index == 0 else role
                found.append((match.start(), make_unit(name, unit_role, directory)))
    if "由" in text:
        for match in _BY_RE.finditer(text):
            role: Role = "responsible" if match.group("verb") in {"负责", "协调"} else "lead"
            found.extend((match.start(), unit) for unit in _named_units(match.group("body"), role, directory))
    if "设在" in text:
        for match in _SEATED_RE.finditer(text):
            found.extend((match.start(), unit) for unit in _named_units(match.group("body"), "responsible", directory))
    if "会同" in text:
        for match in _TOGETHER_WITH_RE.finditer(text):
            found.extend((match.start(), unit) for unit in _named_units(match.group("body"), "support", directory))
    for match in _prose_matches(text):
        body = _LEADING_NUMBER_RE.sub("", match.group("body"))
        if not _NOT_A_NAME_RE.search(body):
            role = _PROSE_ROLES[match.group("verb")]
            found.extend((match.start(), unit) for unit in _named_units(body, role, directory))
    if not found:
        return []
    found.sort(key=lambda pair: pair[0])
    return dedupe_units(unit for _, unit in found)


def _prose_matches(text: str) -> list[re.Match[str]]:
    """What `_PROSE_RE.finditer(text)` yields, trying only the runs that hold a verb."""
    found: list[re.Match[str]] = []
    if not any(verb in text for verb in _PROSE_ROLES):  # str search is quicker than the regex's
        return found
    tried = -1  # start of the last run tried
    for verb in _PROSE_VERB_RE.finditer(text):
        start = _run_start(text, verb.start())
        if start != tried:  # a run holding several verbs is tried once
            tried = start
            match = _PROSE_RE.match(text, start)
            if match:
                found.append(match)
    return found


def _run_start(text: str, position: int) -> int:
    """Start of the run of text between punctuation that holds `position`."""
    return max(text.rfind(char, 0, position) for char in _PROSE_BREAKS) + 1


def _named_units(body: str, role: Role, directory: UnitDirectory) -> list[Unit]:
    """The units of a list met in prose; names that do not look like units are dropped."""
    return [make_unit(name, role, directory) for name in split_unit_list(body) if looks_like_unit(name, directory)]


def dedupe_units(units) -> list[Unit]:
    seen: set[tuple[str, str]] = set()
    out: list[Unit] = []
    for unit in units:
        if (unit.name, unit.role) not in seen:
            seen.add((unit.name, unit.role))
            out.append(unit)
    return out
