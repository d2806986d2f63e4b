"""The database tables, built from the model declarations."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, text

from bitemporal import RegistrationTables, VersionedTable, versioned_table
from bitemporal.columns import FastUuid, RowId, UTCDateTime
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
    Column("uuid", FastUuid(), primary_key=True),
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


# Change events (see mo.events). Not versioned: namespaces, listeners and pending
# events are plain rows; the outbox is append-only apart from its delivery columns.

event_namespace = Table(
    "event_namespace",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("owner", FastUuid(), nullable=False),
    Column("public", Boolean(), nullable=False),
)

event_listener = Table(
    "event_listener",
    metadata,
    Column("uuid", FastUuid(), primary_key=True),
    Column("namespace", String(255), nullable=False),
    Column("owner", FastUuid(), nullable=False),
    Column("user_key", String(255), nullable=False),
    Column("routing_key", String(255), nullable=False),
    UniqueConstraint("namespace", "owner", "user_key", name="uq_event_listener_namespace_owner_user_key"),
    Index("ix_event_listener_route", "namespace", "routing_key"),
)

event = Table(
    "event",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("listener_uuid", FastUuid(), ForeignKey("event_listener.uuid"), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("priority", Integer(), nullable=False),
    Column("generation", Integer(), nullable=False),
    Column("fetched_count", Integer(), nullable=False),
    Column("next_try", UTCDateTime(), nullable=True),
    Column("silenced", Boolean(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("listener_uuid", "subject", name="uq_event_listener_uuid_subject"),
    Index("ix_event_fetch", "listener_uuid", "priority", "fetched_count"),
    sqlite_autoincrement=True,
)

event_outbox = Table(
    "event_outbox",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("routing_key", String(40), nullable=False),
    Column("uuid", FastUuid(), nullable=False),
    Column("exchange", String(255), nullable=True),
    Column("cause", String(20), nullable=False),
    Column("registration_id", RowId, nullable=True),
    Column("effective_day", Date(), nullable=True),
    Column("priority", Integer(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("lease_until", UTCDateTime(), nullable=True),
    Column("failures", Integer(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    Index(
        "ix_event_outbox_unsent",
        "id",
        postgresql_where=text("sent_at IS NULL"),
        sqlite_where=text("sent_at IS NULL"),
    ),
    Index("ix_event_outbox_sent_at", "sent_at"),
    sqlite_autoincrement=True,
)

event_scheduler = Table(
    "event_scheduler",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("last_day", Date(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# The read access log (see mo.auth.access_log): one row per root field read, when
# MO_ACCESS_LOG is on. Plain rows, appended only.

access_log = Table(
    "access_log",
    metadata,
    Column("id", FastUuid(), primary_key=True),
    Column("time", UTCDateTime(), nullable=False),
    Column("actor", FastUuid(), nullable=False),
    Column("operation", String(255), nullable=True),
    Column("field", String(255), nullable=False),
    Column("model", String(40), nullable=False),
    Column("arguments", Text(), nullable=False),
    Column("uuids", Text(), nullable=False),
    Index("ix_access_log_time", "time"),
    Index("ix_access_log_actor", "actor", "time"),
)
