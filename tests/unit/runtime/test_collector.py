"""The collector settings a running service uses, and that they are undone when it stops."""
from __future__ import annotations

import gc

from services.runtime.collector import YOUNG_COLLECTION_EVERY, tuned_collector


def test_startup_objects_are_frozen_and_young_collections_rarer_until_the_service_stops():
    before = gc.get_threshold()
    with tuned_collector():
        assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, *before[1:])
        assert gc.get_freeze_count() > 1000  # the modules this test process imported, at least
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
