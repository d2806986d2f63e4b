#!/usr/bin/env bash
# Install, make sure PostgreSQL and RabbitMQ run, and run the whole suite on
# SQLite and PostgreSQL, plus the schema and OS2mo-client checks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  rabbitmq-server -detached || true
fi

echo "== OS2mo v29 client operations against graphql/schema.graphql"
result=$(.venv/bin/python ../shared/tools/os2mo_compat.py graphql/schema.graphql ../shared/reference/os2mo-v29/clients | tail -n 1)
echo "Reference OS2mo client operations: ${result/ passed,/ accepted,}"

echo "== the temporal core stays ruff-clean and mypy-strict"
.venv/bin/ruff check --quiet bitemporal
.venv/bin/mypy bitemporal

exec .venv/bin/python -m pytest "$@"
