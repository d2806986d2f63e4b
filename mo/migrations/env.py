"""Alembic environment: runs on a connection handed over by ``mo.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from mo.db.tables import metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `mo db upgrade` (mo.db.migrate), which supplies the connection")
run(connection)
