#!/usr/bin/env bash
# Install, migrate the embedded SQLite database, load the sample municipality
# (first time only) and serve the API with GraphiQL at http://127.0.0.1:5000/graphql
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/mo serve --sample "$@"
