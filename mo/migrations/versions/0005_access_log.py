"""the read access log: who read which objects, through which field and filter

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import bitemporal.columns

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("time", bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Uuid(), nullable=False),
        sa.Column("operation", sa.String(length=255), nullable=True),
        sa.Column("field", sa.String(length=255), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("uuids", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index("ix_access_log_time", "access_log", ["time"], unique=False)
    op.create_index("ix_access_log_actor", "access_log", ["actor", "time"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_access_log_actor", table_name="access_log")
    op.drop_index("ix_access_log_time", table_name="access_log")
    op.drop_table("access_log")
