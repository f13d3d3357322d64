"""The `ingested` event: a small original rides in it and comes back out only as the file its doc_id names; a
big one is left to the object store."""
from __future__ import annotations

import hashlib

import pytest

from services.runtime.bus import INLINE_ORIGINAL_BYTES, ingested_event, inline_original

NOTICE = "关于做好汛期安全工作的通知\n一、市水利局牵头，6月底前完成水库安全检查。\n".encode()


def _event(data: bytes) -> dict:
    return ingested_event(hashlib.sha256(data).hexdigest(), "text/plain", "n.txt", len(data), data)


def test_a_small_original_rides_in_the_event_and_comes_back_whole():
    event = _event(NOTICE)
    assert (event["size"], event["source"], event["media_type"]) == (len(NOTICE), "n.txt", "text/plain")
    assert inline_original(event) == NOTICE


def test_a_big_original_is_left_to_the_object_store():
    big = NOTICE * (INLINE_ORIGINAL_BYTES // len(NOTICE) + 1)
    event = _event(big)
    assert "original" not in event and inline_original(event) is None


@pytest.mark.parametrize("original, problem", [
    ("bm90IHRoZSBub3RpY2U=", "does not match its doc_id"),  # valid base64 of other bytes
    ("not base64!", "not base64"),
    (12, "not base64"),
])
def test_an_inline_original_that_is_not_the_named_file_is_refused(original, problem):
    event = {**_event(NOTICE), "original": original}
    with pytest.raises(ValueError, match=problem):
        inline_original(event)
