"""`duban up` as a user runs it: starts everything, serves health SERVING, survives SIGKILL + restart, stops on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import psutil
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.runtime.embedded import free_port
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.e2e


def _start_up(data_dir: Path, port: int, *extra: str, web_port: int | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DUBAN_NATS_URL", "DUBAN_DATABASE_URL")}
    return subprocess.Popen([sys.executable, "-m", "services.cli", "up", "--data-dir", str(data_dir),
                             "--grpc-port", str(port), "--metrics-port", "0",
                             "--web-port", str(web_port or free_port()), *extra],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _health(port: int, service: str = "") -> int:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=2).status


def _wait_serving(proc: subprocess.Popen, port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"duban up exited {proc.returncode}: {proc.stderr.read()[-3000:]}")
        try:
            if _health(port) == health_pb2.HealthCheckResponse.SERVING:
                return
        except grpc.RpcError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("duban up did not become SERVING")


@pytest.fixture()
def data_dir():
    import shutil
    import tempfile
    path = Path(tempfile.mkdtemp(prefix="duban-up-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_up_serves_examples_and_stops_cleanly_on_sigterm(data_dir: Path) -> None:
    port, web_port = free_port(), free_port()
    proc = _start_up(data_dir, port, "--examples", web_port=web_port)
    try:
        _wait_serving(proc, port)
        assert _health(port, "duban.registry.v1.RegistryService") == health_pb2.HealthCheckResponse.SERVING
        children = psutil.Process(proc.pid).children(recursive=True)
        assert {"nats-server", "postgres"} <= {c.name() for c in children}
        # --examples prints the summary once the examples are registered
        out = _read_until(proc, "upcoming deadlines", timeout=90)
        assert "documents: 3" in out, out
        assert f"http://127.0.0.1:{web_port}/" in out
        import urllib.parse
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/units/" + urllib.parse.quote("市数据局"), timeout=10) as page:
            assert "衢政办发〔2026〕3号" in page.read().decode()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, proc.stderr.read()[-3000:]
    assert not [c for c in children if _alive(c)]
    assert not (data_dir / "duban.pid").exists()


def _read_until(proc: subprocess.Popen, marker: str, timeout: float) -> str:
    """Collect stdout lines until one contains `marker` (a thread reads, so a quiet pipe cannot block us)."""
    import queue
    import threading
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    text, deadline = "", time.monotonic() + timeout
    while marker not in text and time.monotonic() < deadline:
        try:
            text += lines.get(timeout=1)
        except queue.Empty:
            pass
    return text


def test_sigkill_kills_children_and_restart_recovers(data_dir: Path) -> None:
    port = free_port()
    proc = _start_up(data_dir, port)
    _wait_serving(proc, port)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.kill()
    proc.wait(timeout=10)
    psutil.wait_procs(children, timeout=20)
    assert not [c for c in children if _alive(c)]

    again = _start_up(data_dir, port)  # same data dir, same port: stale pid files and ports must not matter
    try:
        _wait_serving(again, port)
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=60) == 0


def _alive(process: psutil.Process) -> bool:
    """Running and not a zombie; a process may exit between any two questions asked about it."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:  # ZombieProcess is a subclass
        return False


def _workers(proc: subprocess.Popen) -> list[psutil.Process]:
    workers = []
    for child in psutil.Process(proc.pid).children():
        try:
            if _alive(child) and "workers" in child.cmdline():
                workers.append(child)
        except psutil.NoSuchProcess:
            # a killed worker stays a zombie until `duban up` reaps it: it is no running worker
            continue
    return workers


def _wait_workers(proc: subprocess.Popen, count: int, other_than: set[int] = frozenset(),
                  timeout: float = 30) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = [w for w in _workers(proc) if w.pid not in other_than]
        if len(workers) == count:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"expected {count} worker process(es), have {_workers(proc)}")


def test_worker_processes_run_beside_up_are_restarted_and_stop_with_it(data_dir: Path) -> None:
    """`--workers 2`: two `duban workers` processes share the background work; one that dies is started again
    and the system keeps working; SIGTERM stops them all, cleanly."""
    port = free_port()
    proc = _start_up(data_dir, port, "--workers", "2", "--examples")
    try:
        _wait_serving(proc, port)
        first = _wait_workers(proc, 2)
        assert all(w.cmdline()[-2:] == ["--parent-pid", str(proc.pid)] for w in first)
        first[0].kill()
        replaced = _wait_workers(proc, 1, other_than={w.pid for w in first})
        out = _read_until(proc, "upcoming deadlines", timeout=90)
        assert "documents: 3" in out, out
        assert _health(port) == health_pb2.HealthCheckResponse.SERVING
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=90)
    assert code == 0, proc.stderr.read()[-3000:]
    psutil.wait_procs([first[1], *replaced], timeout=5)
    assert not [w for w in (first[1], *replaced) if _alive(w)]


def test_second_up_on_same_data_dir_is_refused(data_dir: Path) -> None:
    port = free_port()
    first = _start_up(data_dir, port)
    try:
        _wait_serving(first, port)
        second = _start_up(data_dir, free_port())
        assert second.wait(timeout=30) != 0
        assert "another instance" in second.stderr.read()
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
