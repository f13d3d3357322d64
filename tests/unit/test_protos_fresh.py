"""The committed generated gRPC code must match proto/ (regenerate with scripts/gen_protos.py)."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from tests.conftest import REPO_ROOT

# protoc stamps its own version into the output; a newer grpcio-tools must not make the code "stale".
_VERSION_STAMP = re.compile(r"(Protobuf Python Version: .*|GRPC_GENERATED_VERSION = .*|^\s+\d+,\s*$)", re.M)


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_protos", REPO_ROOT / "scripts" / "gen_protos.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_code_matches_protos(tmp_path: Path) -> None:
    generated = _load_generator().generate(tmp_path)
    assert generated, "no proto files found"
    stale = []
    for fresh in generated:
        rel = fresh.relative_to(tmp_path)
        committed = REPO_ROOT / rel
        if not committed.exists() or (_VERSION_STAMP.sub("", committed.read_text())
                                      != _VERSION_STAMP.sub("", fresh.read_text())):
            stale.append(str(rel))
    assert not stale, f"generated code is stale, run scripts/gen_protos.py: {stale}"
    committed_files = {p.relative_to(REPO_ROOT) for p in (REPO_ROOT / "duban").rglob("*_pb2*.py*")
                       if "__pycache__" not in p.parts}
    orphans = committed_files - {p.relative_to(tmp_path) for p in generated}
    assert not orphans, f"generated files without a proto: {sorted(map(str, orphans))}"
