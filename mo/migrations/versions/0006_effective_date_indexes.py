"""indexes for the effective-date scan: current versions by first and last day

The scheduler asks every versions table which current versions start or end in a
range of days; without these it reads whole tables once a day.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VERSIONED = (
    "facet", "class", "org_unit", "person", "engagement", "address", "association", "itsystem",
    "ituser", "kle", "leave", "manager", "owner", "related_unit", "rolebinding",
)


def upgrade() -> None:
    current = sa.text("reg_to IS NULL")
    for table in VERSIONED:
        for suffix, column in (("starts", "valid_from"), ("ends", "valid_to")):
            op.create_index(
                f"ix_{table}_{suffix}", table, [column], postgresql_where=current, sqlite_where=current
            )


def downgrade() -> None:
    for table in VERSIONED:
        for suffix in ("starts", "ends"):
            op.drop_index(f"ix_{table}_{suffix}", table)
