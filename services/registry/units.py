"""The unit directory (services/extract/data/units.json): names → canonical units and groups, and its copy in
the `units`, `unit_aliases` and `unit_group_members` tables for other systems to read.

Every responsibility is stored under one `unit_key`: the canonical name when the unit is known, the group
name for a group (各县（市、区）政府), the pattern form for "each county's X" (各县（市、区）司法局), otherwise
the printed name normalised. A query for a unit expands to every key that concerns it (`query_keys`), so the
read is a single indexed `unit_key = ANY(...)`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

DIRECTORY_FILE = Path(__file__).resolve().parents[1] / "extract" / "data" / "units.json"

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）"})
CITY_PREFIX = "衢州"  # aliases written 市X also match 衢州市X


def normalise_name(name: str) -> str:
    """White space removed, half-width and 〔〕 brackets as full-width （）."""
    return _SPACE.sub("", name).translate(_BRACKETS)


@dataclass(frozen=True)
class UnitInfo:
    canonical: str
    is_group: bool
    aliases: tuple[str, ...]
    members: tuple[str, ...] = ()


@dataclass
class UnitDirectory:
    units: dict[str, UnitInfo]  # canonical or group name → info
    by_alias: dict[str, str]  # normalised alias (and canonical) → canonical or group name
    group_prefixes: tuple[str, ...]  # 各县（市、区） and the like
    counties: tuple[tuple[str, str], ...]  # (衢州市柯城区, 柯城区), (龙游县, 龙游县), …
    groups_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # member → groups

    def resolve(self, name: str) -> str | None:
        """Canonical (or group) name for a printed name, alias or canonical name; None if unknown."""
        return self.by_alias.get(normalise_name(name))

    def storage_key(self, printed: str, canonical: str | None) -> tuple[str, str | None]:
        """(unit_key, canonical unit or None) under which a printed unit is stored."""
        resolved = (self.resolve(canonical) or canonical) if canonical else self.resolve(printed)
        if resolved is None:
            resolved = self._resolve_pattern(normalise_name(printed))
        if resolved is None:
            return normalise_name(printed), None
        info = self.units.get(resolved)
        return resolved, (None if info is None or info.is_group else resolved)

    def _resolve_pattern(self, name: str) -> str | None:
        for prefix in self.group_prefixes:
            if name.startswith(prefix) and len(name) > len(prefix):
                key = self.group_prefixes[0] + name[len(prefix):]
                return self.resolve(key) or key
        return None

    def query_keys(self, name: str) -> list[str]:
        """Every unit_key a query for `name` should match: itself, its groups (or a group's members), and the
        "each county's X" pattern a county unit falls under."""
        key, _ = self.storage_key(name, None)
        keys = [key]
        info = self.units.get(key)
        if info is not None and info.is_group:
            keys += info.members
        keys += self.groups_of.get(key, ())
        county = next((p for c in self.counties for p in c if key.startswith(p) and len(key) > len(p)), None)
        if county is not None:
            keys.append(self._resolve_pattern(self.group_prefixes[0] + key[len(county):]))
        if key.startswith(self.group_prefixes[0]) and info is None:
            rest = key[len(self.group_prefixes[0]):]
            keys += [self.resolve(long + rest) or long + rest for long, _ in self.counties]
        return list(dict.fromkeys(keys))


def load_directory(path: Path = DIRECTORY_FILE) -> UnitDirectory:
    raw = json.loads(path.read_text(encoding="utf-8"))
    units: dict[str, UnitInfo] = {}
    by_alias: dict[str, str] = {}

    def add_aliases(canonical: str, aliases: list[str]) -> tuple[str, ...]:
        names = [canonical, *aliases]
        names += [CITY_PREFIX + a for a in aliases if a.startswith("市")]
        normalised = tuple(dict.fromkeys(normalise_name(n) for n in names))
        for alias in normalised:
            by_alias.setdefault(alias, canonical)
        return normalised

    for unit in raw["units"]:
        units[unit["canonical"]] = UnitInfo(unit["canonical"], False, add_aliases(unit["canonical"], unit["aliases"]))
    groups_of: dict[str, list[str]] = {}
    for group in raw.get("groups", []):
        name = normalise_name(group["name"])
        units[name] = UnitInfo(name, True, add_aliases(name, group["aliases"]), tuple(group["members"]))
        for member in group["members"]:
            groups_of.setdefault(member, []).append(name)
    group_prefixes = tuple(normalise_name(p) for p in raw.get("group_patterns", {}).get("prefixes", []))
    counties = tuple((c["prefix"], c["short"]) for c in raw.get("counties", []))
    return UnitDirectory(units, by_alias, group_prefixes or ("各县（市、区）",), counties,
                         {k: tuple(v) for k, v in groups_of.items()})


async def sync_units(engine: AsyncEngine, directory: UnitDirectory) -> None:
    """Write the directory into the unit tables (idempotent: safe at every start and every migrate)."""
    async with engine.begin() as conn:
        await conn.execute(text("SELECT pg_advisory_xact_lock(4242002)"))  # replicas starting together
        for info in directory.units.values():
            await conn.execute(text("INSERT INTO units (canonical, is_group) VALUES (:c, :g) "
                                    "ON CONFLICT (canonical) DO UPDATE SET is_group = EXCLUDED.is_group"),
                               {"c": info.canonical, "g": info.is_group})
        ids = dict((await conn.execute(text("SELECT canonical, id FROM units"))).all())
        alias_rows = [{"a": alias, "u": ids[canonical]} for alias, canonical in directory.by_alias.items()]
        await conn.execute(text("INSERT INTO unit_aliases (alias, unit_id) VALUES (:a, :u) "
                                "ON CONFLICT (alias) DO UPDATE SET unit_id = EXCLUDED.unit_id"), alias_rows)
        member_rows = [{"g": ids[info.canonical], "m": ids[m]} for info in directory.units.values()
                       for m in info.members if m in ids]
        if member_rows:
            await conn.execute(text("INSERT INTO unit_group_members (group_id, member_id) VALUES (:g, :m) "
                                    "ON CONFLICT DO NOTHING"), member_rows)
