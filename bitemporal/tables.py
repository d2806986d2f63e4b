"""Table helpers: the registration tables and versioned tables of objects.

Every versioned table has the same temporal columns:

- ``id``: surrogate key of the row (one row is one version in one registration);
- ``uuid``: the object;
- ``valid_from``/``valid_to``: validity ``[from, to)`` in days, infinite bounds as
  sentinel days (see ``bitemporal.intervals``);
- ``registration_id``/``reg_from``/``reg_to``: the registration that wrote the row,
  when it was written, and when a later registration replaced it (``NULL`` while it
  is current).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
)

from bitemporal.columns import FastUuid, RowId, UTCDateTime

TEMPORAL_COLUMNS = ("id", "uuid", "valid_from", "valid_to", "registration_id", "reg_from", "reg_to")


def registration_table(metadata: MetaData) -> Table:
    """One row per writing transaction: when, by whom, and why."""
    return Table(
        "registration",
        metadata,
        Column("id", RowId, primary_key=True, autoincrement=True),
        Column("time", UTCDateTime(), nullable=False, index=True),
        Column("actor", FastUuid(), nullable=False, index=True),
        Column("note", Text(), nullable=True),
    )


def registration_object_table(metadata: MetaData) -> Table:
    """One row per object a registration touched: the audit trail of objects."""
    return Table(
        "registration_object",
        metadata,
        Column("registration_id", RowId, ForeignKey("registration.id"), primary_key=True),
        Column("model", String(40), primary_key=True),
        Column("uuid", FastUuid(), primary_key=True),
        Index("ix_registration_object_uuid", "uuid", "registration_id"),
    )


def versioned_table(name: str, metadata: MetaData, *columns: Column[object], indexes: tuple[str, ...] = ()) -> Table:
    """A versions table named ``name`` with the temporal columns plus ``columns``.

    ``indexes`` names value columns (typically foreign keys) that get an index on
    ``(column, valid_from)`` over current rows, for reverse look-ups.
    """
    table = Table(
        name,
        metadata,
        Column("id", RowId, primary_key=True, autoincrement=True),
        Column("uuid", FastUuid(), nullable=False),
        Column("valid_from", Date(), nullable=False),
        Column("valid_to", Date(), nullable=False),
        Column("registration_id", RowId, ForeignKey("registration.id"), nullable=False),
        Column("reg_from", UTCDateTime(), nullable=False),
        Column("reg_to", UTCDateTime(), nullable=True),
        *columns,
    )
    current = table.c.reg_to.is_(None)
    Index(
        f"ix_{name}_current",
        table.c.uuid,
        table.c.valid_from,
        postgresql_where=current,
        sqlite_where=current,
    )
    Index(f"ix_{name}_history", table.c.uuid, table.c.reg_from)
    # The effective-date scan: which current versions start or end in a range of days.
    Index(f"ix_{name}_starts", table.c.valid_from, postgresql_where=current, sqlite_where=current)
    Index(f"ix_{name}_ends", table.c.valid_to, postgresql_where=current, sqlite_where=current)
    for column in indexes:
        Index(
            f"ix_{name}_{column}",
            table.c[column],
            table.c.valid_from,
            postgresql_where=current,
            sqlite_where=current,
        )
    return table


def value_columns(table: Table) -> list[str]:
    """The names of a versioned table's own columns (not the temporal ones)."""
    return [c.name for c in table.columns if c.name not in TEMPORAL_COLUMNS]


def exclusion_constraint_sql(table: str) -> str:
    """PostgreSQL DDL that makes overlapping current versions of one object impossible.

    Needs the ``btree_gist`` extension for the ``uuid WITH =`` part.
    """
    return (
        f"ALTER TABLE \"{table}\" ADD CONSTRAINT \"{table}_no_overlap\" "
        f"EXCLUDE USING gist (uuid WITH =, daterange(valid_from, valid_to) WITH &&) "
        f"WHERE (reg_to IS NULL)"
    )
