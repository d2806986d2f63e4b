"""The database tables, built from the model declarations."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid

from bitemporal import RegistrationTables, VersionedTable, versioned_table
from mo.model import MODELS, Model

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

registrations = RegistrationTables.define(metadata)

organisation = Table(
    "organisation",
    metadata,
    Column("uuid", Uuid(), primary_key=True),
    Column("user_key", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("municipality_code", Integer(), nullable=True),
)


def _table(model: Model) -> Table:
    columns = [Column(f.name, f.sql_type(), nullable=not f.required) for f in model.fields]
    indexes = tuple(f.name for f in model.references) + model.indexes
    return versioned_table(model.name, metadata, *columns, indexes=indexes)


TABLES: dict[str, Table] = {name: _table(m) for name, m in MODELS.items()}
VERSIONED: dict[str, VersionedTable] = {name: VersionedTable(t, name) for name, t in TABLES.items()}
