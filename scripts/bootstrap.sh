#!/usr/bin/env bash
# Install duban into ./.venv (and the few system packages the tests need). Idempotent; needs only Python 3.11.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
if [ -f scripts/install-system-deps.sh ]; then bash scripts/install-system-deps.sh; fi
