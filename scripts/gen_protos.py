"""Generate Python gRPC code from proto/ into the `duban` package (generated code only; committed).

Run after editing a .proto: `python scripts/gen_protos.py`. tests/unit/test_protos_fresh.py fails when the
committed code is stale.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROTO_DIR = REPO / "proto"


def generate(out_dir: Path) -> list[Path]:
    import grpc_tools
    from grpc_tools import protoc

    protos = sorted(PROTO_DIR.rglob("*.proto"))
    include = Path(grpc_tools.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={out_dir}", f"--pyi_out={out_dir}",
            f"--grpc_python_out={out_dir}", *(str(p.relative_to(PROTO_DIR)) for p in protos)]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    generated = sorted(p for p in (out_dir / "duban").rglob("*") if p.is_file())
    packages = {parent for p in generated for parent in p.relative_to(out_dir).parents if parent != Path(".")}
    for package in (out_dir / rel for rel in packages):
        init = package / "__init__.py"
        if not init.exists():
            init.write_text('"""Generated from proto/ by scripts/gen_protos.py; do not edit."""\n')
    return generated


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO
    for path in generate(out):
        print(path.relative_to(out))
