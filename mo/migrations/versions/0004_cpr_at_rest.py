"""CPR numbers encrypted at rest, found through a keyed hash

Adds person.cpr_hash (HMAC of the number, indexed) and replaces the plain-text
index on person.cpr_number; every stored number is encrypted in place. This is a
change of storage format, not of the registry: no registration is written and
every version keeps its registration times.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mo.security.cpr import encrypt, lookup_hash

    current = sa.text("reg_to IS NULL")
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("cpr_hash", sa.String(255), nullable=True))
        batch.drop_index("ix_person_cpr_number")
        batch.alter_column("cpr_number", type_=sa.Text(), existing_nullable=True)
    op.create_index(
        "ix_person_cpr_hash", "person", ["cpr_hash", "valid_from"], postgresql_where=current, sqlite_where=current
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, cpr_number FROM person WHERE cpr_number IS NOT NULL")).fetchall()
    for row_id, number in rows:
        if "$" in number:
            continue  # already encrypted
        bind.execute(
            sa.text("UPDATE person SET cpr_number = :sealed, cpr_hash = :hash WHERE id = :id"),
            {"sealed": encrypt(number), "hash": lookup_hash(number), "id": row_id},
        )


def downgrade() -> None:
    from mo.security.cpr import decrypt

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, cpr_number FROM person WHERE cpr_number IS NOT NULL")).fetchall()
    for row_id, sealed in rows:
        bind.execute(sa.text("UPDATE person SET cpr_number = :n WHERE id = :id"), {"n": decrypt(sealed), "id": row_id})
    op.drop_index("ix_person_cpr_hash", "person")
    current = sa.text("reg_to IS NULL")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("cpr_hash")
        batch.alter_column("cpr_number", type_=sa.String(255), existing_nullable=True)
    op.create_index(
        "ix_person_cpr_number", "person", ["cpr_number", "valid_from"], postgresql_where=current, sqlite_where=current
    )
