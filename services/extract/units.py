"""Responsible units: the unit directory (aliases → one canonical name, groups) and every printed way a
document assigns a task to units (责任单位/牵头单位/配合单位 labels, `（由X牵头实施）`, `由X负责`, table cells).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from services.extract.model import Role, Unit

_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）"})
_OPENERS = "（(〔[【"
_CLOSERS = "）)〕]】"
_WHITE_RE = re.compile(r"\s+")
_CITY_PREFIX = "衢州市"


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
        raw = json.loads(resources.files("services.extract").joinpath("data/units.json").read_text("utf-8"))
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
_UNIT_SUFFIX_RE = re.compile(
    r"(?:局|委|办|厅|部|院|会|中心|政府|集团|公司|队|社|站|所|馆|处|室|组|行|海关|学院|大学|单位|管委会|专班|指挥部)$"
)
_LIST_SEPARATORS = "、，,；;"
_TRAILING_ETC_RE = re.compile(r"(?:等(?:单位|部门)?|及其他.*)$")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")

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
    "参与单位": "support",
}
_LABEL_RE = re.compile(rf"(?:决策)?(?P<label>{'|'.join(_LABEL_ROLES)})\s*[：:]")
# `由X牵头(实施)`, `由X负责(和协调)`, `由X会同Y…`: X is a list of units.
_BY_RE = re.compile(r"由(?P<body>[^。；;：:，,\n由]{2,60}?)(?P<verb>牵头|负责|会同)")
_FIRST_IS_LEAD_RE = re.compile(r"列(?:第一位|首位)(?:的|者)?为牵头(?:单位|部门)")


def first_listed_is_lead(text: str) -> bool:
    """The document says "列第一位的为牵头单位": the first unit of every list leads."""
    return _FIRST_IS_LEAD_RE.search(text) is not None


def split_unit_list(text: str, *, on_space: bool = False) -> list[str]:
    """Unit names of a printed list: split on 、，； (and white space for table cells), never inside brackets."""
    names: list[str] = []
    depth = 0
    current: list[str] = []

    def flush() -> None:
        name = clean_unit_name("".join(current))
        if name:
            names.append(name)
        current.clear()

    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        if depth == 0 and (char in _LIST_SEPARATORS or (on_space and char.isspace())):
            flush()
            continue
        current.append(char)
    flush()
    return names


def clean_unit_name(raw: str) -> str | None:
    """A printed name without white space, trailing 等 or stray punctuation; None if it names nothing."""
    name = _TRAILING_ETC_RE.sub("", _WHITE_RE.sub("", raw).strip("。：:．."))
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
        elif char in "。\n" or (depth == 0 and char in "；;"):
            break
        elif depth == 0 and char in "，," and _LABEL_RE.match(text, end + 1):
            break
        end += 1
    return text[start:end]


def looks_like_unit(name: str, directory: UnitDirectory) -> bool:
    return len(name) <= 30 and (directory.is_known(name) or _UNIT_SUFFIX_RE.search(name) is not None)


def make_unit(name: str, role: Role, directory: UnitDirectory) -> Unit:
    return Unit(name=name, role=role, canonical=directory.canonical(name))


def find_units(text: str, directory: UnitDirectory, *, first_is_lead: bool = False) -> list[Unit]:
    """Every unit `text` assigns, with its role, in order of appearance, each (name, role) once."""
    found: list[tuple[int, Unit]] = []
    for match in _LABEL_RE.finditer(text):
        role = _LABEL_ROLES[match.group("label")]
        names = split_unit_list(_label_content(text, match.end()))
        for index, name in enumerate(names):
            unit_role: Role = "lead" if first_is_lead and role == "responsible" and index == 0 else role
            found.append((match.start(), make_unit(name, unit_role, directory)))
    for match in _BY_RE.finditer(text):
        role: Role = "responsible" if match.group("verb") == "负责" else "lead"
        for name in split_unit_list(match.group("body")):
            if looks_like_unit(name, directory):
                found.append((match.start(), make_unit(name, role, directory)))
    found.sort(key=lambda pair: pair[0])
    return dedupe_units(unit for _, unit in found)


def dedupe_units(units) -> list[Unit]:
    seen: set[tuple[str, str]] = set()
    out: list[Unit] = []
    for unit in units:
        if (unit.name, unit.role) not in seen:
            seen.add((unit.name, unit.role))
            out.append(unit)
    return out
