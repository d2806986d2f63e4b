"""full object model: addresses, associations, leaves, managers, IT systems and users,
role bindings, KLE, related units and owners

On PostgreSQL each new versioned table gets the no-overlap exclusion constraint.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:04:37.756622
"""

from alembic import op
import sqlalchemy as sa
import bitemporal.columns
from bitemporal import exclusion_constraint_sql

VERSIONED = (
    "address", "association", "itsystem", "ituser", "kle", "leave", "manager", "owner", "related_unit", "rolebinding",
)


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('address',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('value2', sa.String(length=255), nullable=True),
    sa.Column('address_type_uuid', sa.Uuid(), nullable=False),
    sa.Column('visibility_uuid', sa.Uuid(), nullable=True),
    sa.Column('person_uuid', sa.Uuid(), nullable=True),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=True),
    sa.Column('engagement_uuid', sa.Uuid(), nullable=True),
    sa.Column('ituser_uuid', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_address_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address'))
    )
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.create_index('ix_address_address_type_uuid', ['address_type_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_address_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_address_engagement_uuid', ['engagement_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_address_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_address_ituser_uuid', ['ituser_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_address_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_address_person_uuid', ['person_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_address_visibility_uuid', ['visibility_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('association',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('person_uuid', sa.Uuid(), nullable=True),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=False),
    sa.Column('association_type_uuid', sa.Uuid(), nullable=True),
    sa.Column('primary_uuid', sa.Uuid(), nullable=True),
    sa.Column('substitute_uuid', sa.Uuid(), nullable=True),
    sa.Column('trade_union_uuid', sa.Uuid(), nullable=True),
    sa.Column('job_function_uuid', sa.Uuid(), nullable=True),
    sa.Column('it_user_uuid', sa.Uuid(), nullable=True),
    sa.Column('dynamic_class_uuid', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_association_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association'))
    )
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.create_index('ix_association_association_type_uuid', ['association_type_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_dynamic_class_uuid', ['dynamic_class_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_association_it_user_uuid', ['it_user_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_job_function_uuid', ['job_function_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_person_uuid', ['person_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_primary_uuid', ['primary_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_substitute_uuid', ['substitute_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_association_trade_union_uuid', ['trade_union_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('itsystem',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('system_type', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_itsystem_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_itsystem'))
    )
    with op.batch_alter_table('itsystem', schema=None) as batch_op:
        batch_op.create_index('ix_itsystem_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_itsystem_history', ['uuid', 'reg_from'], unique=False)

    op.create_table('ituser',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('itsystem_uuid', sa.Uuid(), nullable=False),
    sa.Column('person_uuid', sa.Uuid(), nullable=True),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=True),
    sa.Column('engagement_uuids', bitemporal.columns.UUIDList(), nullable=True),
    sa.Column('primary_uuid', sa.Uuid(), nullable=True),
    sa.Column('external_id', sa.String(length=255), nullable=True),
    sa.Column('binding_type', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_ituser_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ituser'))
    )
    with op.batch_alter_table('ituser', schema=None) as batch_op:
        batch_op.create_index('ix_ituser_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_ituser_engagement_uuids', ['engagement_uuids', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_ituser_external_id', ['external_id', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_ituser_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_ituser_itsystem_uuid', ['itsystem_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_ituser_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_ituser_person_uuid', ['person_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_ituser_primary_uuid', ['primary_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('kle',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=False),
    sa.Column('kle_number_uuid', sa.Uuid(), nullable=False),
    sa.Column('kle_aspects', bitemporal.columns.UUIDList(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_kle_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kle'))
    )
    with op.batch_alter_table('kle', schema=None) as batch_op:
        batch_op.create_index('ix_kle_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_kle_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_kle_kle_aspects', ['kle_aspects', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_kle_kle_number_uuid', ['kle_number_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_kle_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('leave',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('person_uuid', sa.Uuid(), nullable=False),
    sa.Column('engagement_uuid', sa.Uuid(), nullable=False),
    sa.Column('leave_type_uuid', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_leave_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave'))
    )
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.create_index('ix_leave_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_leave_engagement_uuid', ['engagement_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_leave_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_leave_leave_type_uuid', ['leave_type_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_leave_person_uuid', ['person_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('manager',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('person_uuid', sa.Uuid(), nullable=True),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=False),
    sa.Column('manager_type_uuid', sa.Uuid(), nullable=True),
    sa.Column('manager_level_uuid', sa.Uuid(), nullable=True),
    sa.Column('responsibilities', bitemporal.columns.UUIDList(), nullable=True),
    sa.Column('engagement_uuid', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_manager_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manager'))
    )
    with op.batch_alter_table('manager', schema=None) as batch_op:
        batch_op.create_index('ix_manager_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_manager_engagement_uuid', ['engagement_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_manager_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_manager_manager_level_uuid', ['manager_level_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_manager_manager_type_uuid', ['manager_type_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_manager_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_manager_person_uuid', ['person_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_manager_responsibilities', ['responsibilities', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('owner',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=True),
    sa.Column('person_uuid', sa.Uuid(), nullable=True),
    sa.Column('owner_uuid', sa.Uuid(), nullable=True),
    sa.Column('inference_priority', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_owner_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owner'))
    )
    with op.batch_alter_table('owner', schema=None) as batch_op:
        batch_op.create_index('ix_owner_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_owner_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_owner_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_owner_owner_uuid', ['owner_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_owner_person_uuid', ['person_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('related_unit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=False),
    sa.Column('other_org_unit_uuid', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_related_unit_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_related_unit'))
    )
    with op.batch_alter_table('related_unit', schema=None) as batch_op:
        batch_op.create_index('ix_related_unit_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_related_unit_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_related_unit_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_related_unit_other_org_unit_uuid', ['other_org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('rolebinding',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('ituser_uuid', sa.Uuid(), nullable=False),
    sa.Column('role_uuid', sa.Uuid(), nullable=False),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_rolebinding_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rolebinding'))
    )
    with op.batch_alter_table('rolebinding', schema=None) as batch_op:
        batch_op.create_index('ix_rolebinding_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_rolebinding_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_rolebinding_ituser_uuid', ['ituser_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_rolebinding_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_rolebinding_role_uuid', ['role_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    with op.batch_alter_table('class', schema=None) as batch_op:
        batch_op.create_index('ix_class_it_system_uuid', ['it_system_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
    if op.get_bind().dialect.name == "postgresql":
        for table in VERSIONED:
            op.execute(exclusion_constraint_sql(table))


def downgrade() -> None:
    with op.batch_alter_table('class', schema=None) as batch_op:
        batch_op.drop_index('ix_class_it_system_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    with op.batch_alter_table('rolebinding', schema=None) as batch_op:
        batch_op.drop_index('ix_rolebinding_role_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_rolebinding_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_rolebinding_ituser_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_rolebinding_history')
        batch_op.drop_index('ix_rolebinding_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('rolebinding')
    with op.batch_alter_table('related_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_related_unit_other_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_related_unit_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_related_unit_history')
        batch_op.drop_index('ix_related_unit_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('related_unit')
    with op.batch_alter_table('owner', schema=None) as batch_op:
        batch_op.drop_index('ix_owner_person_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_owner_owner_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_owner_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_owner_history')
        batch_op.drop_index('ix_owner_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('owner')
    with op.batch_alter_table('manager', schema=None) as batch_op:
        batch_op.drop_index('ix_manager_responsibilities', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_manager_person_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_manager_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_manager_manager_type_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_manager_manager_level_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_manager_history')
        batch_op.drop_index('ix_manager_engagement_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_manager_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('manager')
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.drop_index('ix_leave_person_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_leave_leave_type_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_leave_history')
        batch_op.drop_index('ix_leave_engagement_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_leave_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('leave')
    with op.batch_alter_table('kle', schema=None) as batch_op:
        batch_op.drop_index('ix_kle_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_kle_kle_number_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_kle_kle_aspects', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_kle_history')
        batch_op.drop_index('ix_kle_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('kle')
    with op.batch_alter_table('ituser', schema=None) as batch_op:
        batch_op.drop_index('ix_ituser_primary_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_ituser_person_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_ituser_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_ituser_itsystem_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_ituser_history')
        batch_op.drop_index('ix_ituser_external_id', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_ituser_engagement_uuids', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_ituser_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('ituser')
    with op.batch_alter_table('itsystem', schema=None) as batch_op:
        batch_op.drop_index('ix_itsystem_history')
        batch_op.drop_index('ix_itsystem_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('itsystem')
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_index('ix_association_trade_union_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_substitute_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_primary_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_person_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_job_function_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_it_user_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_history')
        batch_op.drop_index('ix_association_dynamic_class_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_association_association_type_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('association')
    with op.batch_alter_table('address', schema=None) as batch_op:
        batch_op.drop_index('ix_address_visibility_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_address_person_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_address_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_address_ituser_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_address_history')
        batch_op.drop_index('ix_address_engagement_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_address_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_address_address_type_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('address')
