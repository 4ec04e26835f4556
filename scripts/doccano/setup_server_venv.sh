#!/usr/bin/env bash
# Create (or reuse) the doccano server's own virtualenv. Idempotent: a venv whose stamp matches the pinned
# requirements is left alone; a missing, partial or outdated one is rebuilt from scratch.
# Usage: setup_server_venv.sh VENV_DIR        (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

venv="${1:?usage: setup_server_venv.sh VENV_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
stamp="$venv/.aces-stamp"
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9  # two test workers starting at once must not build the same venv twice
want="$(cat "$here/requirements.txt" "$here/constraints.txt" | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/doccano" && -x "$venv/bin/gunicorn" ]]; then
    echo "doccano server venv ready: $venv"
    exit 0
fi

echo "Creating the doccano server venv in $venv (about a minute)..." >&2
start=$SECONDS
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt" -c "$here/constraints.txt"
# A smoke test: the caps above are what keeps this import from crashing.
DOCCANO_HOME="$venv/.smoke-home" "$venv/bin/python" -c "import backend.cli" >/dev/null
rm -rf "$venv/.smoke-home"
echo "$want" > "$stamp"
echo "doccano server venv ready: $venv (installed in $((SECONDS - start)) s)"
