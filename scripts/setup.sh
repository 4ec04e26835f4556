#!/usr/bin/env bash
# Create or update .venv/ at the repository root: pinned dependencies (requirements.lock), then the aces package.
# --test also installs what the test suite needs outside Python: Debian's chromium for the report's browser test.
# (The doccano server gets its own virtualenv, made by the doccano tests themselves: scripts/doccano/.)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "ACES needs Python 3.11; $("$python" --version 2>&1) found (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi
"$python" -m venv .venv
pip=(.venv/bin/pip install -q --disable-pip-version-check)
"${pip[@]}" -r requirements.lock
"${pip[@]}" --no-deps -e .
if [ "${1:-}" = "--test" ]; then
  bash scripts/ci/install-chromium.sh
fi
