"""Unit names → storage keys and query keys (pure: reads services/extract/data/units.json)."""
from __future__ import annotations

import pytest

from services.registry.units import load_directory, normalise_name

DIRECTORY = load_directory()


@pytest.mark.parametrize("printed, key, canonical", [
    ("市发改委", "衢州市发展和改革委员会", "衢州市发展和改革委员会"),
    ("衢州市发改委", "衢州市发展和改革委员会", "衢州市发展和改革委员会"),  # 市X also matches 衢州市X
    ("市 人社局", "衢州市人力资源和社会保障局", "衢州市人力资源和社会保障局"),  # white space from line wraps
    ("各县(市、区)政府", "各县（市、区）政府", None),  # a group: filed under the group, no canonical unit
    ("县（市、区）司法局", "各县（市、区）司法局", None),  # "each county's X" pattern, one spelling
    ("火星局", "火星局", None),  # unknown: as printed
])
def test_storage_key(printed, key, canonical):
    assert DIRECTORY.storage_key(printed, None) == (key, canonical)


def test_canonical_given_by_the_extractor_wins():
    assert DIRECTORY.storage_key("发改部门", "衢州市发展和改革委员会")[0] == "衢州市发展和改革委员会"


@pytest.mark.parametrize("query, must_include", [
    ("开化县", {"开化县人民政府", "各县（市、区）政府"}),  # a member finds its group's tasks
    ("各县市区", {"各县（市、区）政府", "开化县人民政府", "衢州市柯城区人民政府"}),  # a group finds its members'
    ("开化县司法局", {"开化县司法局", "各县（市、区）司法局"}),
    ("各县（市、区）司法局", {"各县（市、区）司法局", "开化县司法局", "衢州市衢江区司法局"}),
])
def test_query_keys_expand_groups_both_ways(query, must_include):
    keys = DIRECTORY.query_keys(query)
    assert must_include <= set(keys) and len(keys) == len(set(keys))


def test_plain_unit_queries_one_key():
    assert DIRECTORY.query_keys("市民政局") == ["衢州市民政局"]


def test_normalise_name():
    assert normalise_name(" 各县〔市、区〕\n政府 ") == "各县（市、区）政府"
