"""What a service process must do before it exits so that no helper process outlives it."""
from __future__ import annotations

import os
import time
from multiprocessing import resource_tracker


def stop_resource_tracker(timeout: float = 5.0) -> None:
    """Stop multiprocessing's resource tracker, which a process pool starts, and wait for it to exit.

    Left alone, the tracker exits only once it notices its parent has gone, a moment after: a supervisor that
    waits for the service and then checks its children finds it still alive. Registered with atexit where a
    pool is made: called while a pool still runs, it would cut the pool off from its tracker. The wait is
    bounded in case a stray child still holds the tracker's pipe. Uses the tracker's private fields (`_lock`,
    `_fd`, `_pid`) as the stdlib's own `_stop` does, but without its unbounded waitpid: the stdlib has no public
    way to stop the tracker.
    """
    tracker = resource_tracker._resource_tracker
    with tracker._lock:
        fd, pid = getattr(tracker, "_fd", None), getattr(tracker, "_pid", None)
        if fd is None or pid is None:
            return
        os.close(fd)  # the tracker reads this pipe until end of file, then exits
        tracker._fd = tracker._pid = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        time.sleep(0.01)
