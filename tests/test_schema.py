"""The committed SDL is the code's, and the database schema is the migrations'."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.db.tables import metadata
from mo.graphapi.schema import sdl

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_the_exported_schema() -> None:
    committed = (ROOT / "graphql" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "graphql/schema.graphql is stale: run `mo schema > graphql/schema.graphql`"


def test_every_field_and_argument_has_a_description() -> None:
    from graphql import GraphQLInputObjectType, GraphQLObjectType

    from mo.graphapi.schema import get_schema

    schema = get_schema()._schema
    missing = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or not isinstance(kind, (GraphQLObjectType, GraphQLInputObjectType)):
            continue
        for field_name, field in kind.fields.items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert not missing, missing


async def test_migrations_produce_the_declared_tables(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    assert diff == []


def test_every_real_os2mo_client_operation_validates() -> None:
    """All operations of the reference OS2mo clients validate against our SDL."""
    import importlib.util

    tool = ROOT.parent / "shared" / "tools" / "os2mo_compat.py"
    clients = ROOT.parent / "shared" / "reference" / "os2mo-v29" / "clients"
    spec = importlib.util.spec_from_file_location("os2mo_compat", tool)
    assert spec is not None and spec.loader is not None, f"missing {tool}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    status = module.main(["os2mo_compat", str(ROOT / "graphql" / "schema.graphql"), str(clients)])
    assert status == 0, "some OS2mo client operations are rejected (see the REJECTED lines above)"
