"""The protos under proto/ pass `buf lint` (STANDARD rules, buf.yaml at the repository root) and, when the git
branch main exists to compare with, `buf breaking` (FILE rules) against it. buf comes from the buf-bin wheel."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PROTO_DIR = REPO_ROOT / "proto"
BASELINE = ".git#branch=main,subdir=proto"  # subdir: main's protos may predate buf.yaml

# Imports of well-known types resolve from buf's built-in copies: nothing is fetched.
_WELL_KNOWN_TYPES_PROBE = """\
syntax = "proto3";

package duban.probe.v1;

import "google/protobuf/duration.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/timestamp.proto";

// ProbeService exists only to check that buf.yaml resolves well-known types.
service ProbeService {
  // Ping answers with the server's time.
  rpc Ping(PingRequest) returns (PingResponse);
}

// PingRequest asks for the server's time.
message PingRequest {
  // Fields to return.
  google.protobuf.FieldMask read_mask = 1;
}

// PingResponse carries the server's time.
message PingResponse {
  // When the server answered.
  google.protobuf.Timestamp at = 1;
  // How long the answer took.
  google.protobuf.Duration took = 2;
}
"""


@pytest.fixture(scope="module")
def buf() -> str:
    path = shutil.which("buf", path=str(Path(sys.executable).parent)) or shutil.which("buf")
    assert path, "buf is missing: the buf-bin wheel is in the test extra (scripts/bootstrap.sh)"
    return path


def _run(buf: str, *args: str, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "BUF_CACHE_DIR": str(tmp_path / "buf-cache")}
    return subprocess.run([buf, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_protos_pass_buf_lint(buf: str, tmp_path: Path) -> None:
    if not any(PROTO_DIR.rglob("*.proto")):
        pytest.skip("no .proto files under proto/ yet")
    result = _run(buf, "lint", cwd=REPO_ROOT, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_config_resolves_well_known_types_and_enforces_standard_rules(buf: str, tmp_path: Path) -> None:
    module = tmp_path / "repo"
    probe = module / "proto" / "duban" / "probe" / "v1" / "probe.proto"
    probe.parent.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "buf.yaml", module / "buf.yaml")
    probe.write_text(_WELL_KNOWN_TYPES_PROBE)
    result = _run(buf, "lint", cwd=module, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # STANDARD rules are on: a response type not named after its RPC is a finding.
    probe.write_text(_WELL_KNOWN_TYPES_PROBE.replace("PingResponse", "Pong"))
    result = _run(buf, "lint", cwd=module, tmp_path=tmp_path)
    assert result.returncode != 0 and "should be named \"PingResponse\"" in result.stdout


def test_protos_have_no_breaking_changes_against_main(buf: str, tmp_path: Path) -> None:
    has_main = (REPO_ROOT / ".git").exists() and subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "main:proto"], cwd=REPO_ROOT, capture_output=True).returncode == 0
    if not has_main:
        pytest.skip("no baseline: the git branch main has no proto/ to compare with")
    result = _run(buf, "breaking", "--against", BASELINE, cwd=REPO_ROOT, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
