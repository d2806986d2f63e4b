"""A bitemporal store: validity in days, registration in timestamps.

Independent of MO: it needs SQLAlchemy and nothing else. See
``bitemporal.intervals`` for the day algebra, ``bitemporal.versions`` for the pure
sequenced operations, and ``bitemporal.store`` for the write path over a table.
"""

from bitemporal.intervals import NEG_INF, POS_INF, EmptyInterval, Interval, covered, gaps, merge
from bitemporal.queries import overlapping, registered_at, to_version
from bitemporal.registration import Registrar, Registration, RegistrationTables, WriteConflict, utcnow
from bitemporal.store import VersionedTable
from bitemporal.tables import exclusion_constraint_sql, value_columns, versioned_table
from bitemporal.versions import NoVersions, Version, coalesce, create, diff, terminate, update

__all__ = [
    "NEG_INF",
    "POS_INF",
    "EmptyInterval",
    "Interval",
    "NoVersions",
    "Registrar",
    "Registration",
    "RegistrationTables",
    "Version",
    "VersionedTable",
    "WriteConflict",
    "coalesce",
    "covered",
    "create",
    "diff",
    "exclusion_constraint_sql",
    "gaps",
    "merge",
    "overlapping",
    "registered_at",
    "terminate",
    "to_version",
    "update",
    "utcnow",
    "value_columns",
    "versioned_table",
]
