"""A process that used a process pool leaves no helper process behind once it has stopped the tracker."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import json, multiprocessing, sys
    from concurrent.futures import ProcessPoolExecutor
    import psutil
    from services.runtime.children import stop_resource_tracker

    if __name__ == "__main__":
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            assert pool.submit(abs, -1).result() == 1
        before = [p.pid for p in psutil.Process().children(recursive=True)]
        if sys.argv[1] == "stop":
            stop_resource_tracker()
            stop_resource_tracker()  # a second call finds nothing to stop
        after = [p.pid for p in psutil.Process().children(recursive=True) if p.status() != psutil.STATUS_ZOMBIE]
        print(json.dumps({"before": before, "after": after}))
""")


def _children(mode: str) -> dict[str, list[int]]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("mode, tracker_left", [("stop", False), ("leave", True)])
def test_stop_resource_tracker_leaves_no_child(mode: str, tracker_left: bool) -> None:
    children = _children(mode)
    assert len(children["before"]) == 1  # the pool's workers are gone; the tracker is not
    assert bool(children["after"]) is tracker_left
