#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
