#!/usr/bin/env bash
# Creates .venv and installs the project with its test tools (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
# What a start would otherwise compile (`mo warm`): the bytecode of the project's
# own modules, which an installed package has and an editable checkout does not
# (with PYTHONDONTWRITEBYTECODE set every start would compile them again, ~0.08 s),
# and the code dataclasses writes for the schema's classes (mo.dataclass_cache,
# ~17 % of start-up).
.venv/bin/python -m mo warm >/dev/null
