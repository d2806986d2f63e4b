"""registry foundation: registrations, the organisation, and the first five object types

On PostgreSQL every versioned table also gets an exclusion constraint that makes
overlapping current versions of one object impossible.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 02:45:42.015079
"""

from alembic import op
import sqlalchemy as sa
import bitemporal.columns
from bitemporal import exclusion_constraint_sql

VERSIONED = ("facet", "class", "org_unit", "person", "engagement")


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table('organisation',
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('municipality_code', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_organisation'))
    )
    op.create_table('registration',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('time', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.Uuid(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_time'), ['time'], unique=False)

    op.create_table('class',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('facet_uuid', sa.Uuid(), nullable=False),
    sa.Column('scope', sa.String(length=255), nullable=True),
    sa.Column('published', sa.String(length=255), nullable=False),
    sa.Column('parent_uuid', sa.Uuid(), nullable=True),
    sa.Column('example', sa.String(length=255), nullable=True),
    sa.Column('owner', sa.Uuid(), nullable=True),
    sa.Column('it_system_uuid', sa.Uuid(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_class_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class'))
    )
    with op.batch_alter_table('class', schema=None) as batch_op:
        batch_op.create_index('ix_class_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_class_facet_uuid', ['facet_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_class_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_class_owner', ['owner', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_class_parent_uuid', ['parent_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('engagement',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('person_uuid', sa.Uuid(), nullable=False),
    sa.Column('org_unit_uuid', sa.Uuid(), nullable=False),
    sa.Column('engagement_type_uuid', sa.Uuid(), nullable=False),
    sa.Column('job_function_uuid', sa.Uuid(), nullable=False),
    sa.Column('primary_uuid', sa.Uuid(), nullable=True),
    sa.Column('leave_uuid', sa.Uuid(), nullable=True),
    sa.Column('fraction', sa.Integer(), nullable=True),
    sa.Column('extension_1', sa.String(length=255), nullable=True),
    sa.Column('extension_2', sa.String(length=255), nullable=True),
    sa.Column('extension_3', sa.String(length=255), nullable=True),
    sa.Column('extension_4', sa.String(length=255), nullable=True),
    sa.Column('extension_5', sa.String(length=255), nullable=True),
    sa.Column('extension_6', sa.String(length=255), nullable=True),
    sa.Column('extension_7', sa.String(length=255), nullable=True),
    sa.Column('extension_8', sa.String(length=255), nullable=True),
    sa.Column('extension_9', sa.String(length=255), nullable=True),
    sa.Column('extension_10', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_engagement_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement'))
    )
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_engagement_engagement_type_uuid', ['engagement_type_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_engagement_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_engagement_job_function_uuid', ['job_function_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_engagement_org_unit_uuid', ['org_unit_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_engagement_person_uuid', ['person_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_engagement_primary_uuid', ['primary_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('facet',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('published', sa.String(length=255), nullable=False),
    sa.Column('parent_uuid', sa.Uuid(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_facet_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facet'))
    )
    with op.batch_alter_table('facet', schema=None) as batch_op:
        batch_op.create_index('ix_facet_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_facet_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_facet_parent_uuid', ['parent_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('org_unit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('parent_uuid', sa.Uuid(), nullable=True),
    sa.Column('unit_type_uuid', sa.Uuid(), nullable=True),
    sa.Column('org_unit_level_uuid', sa.Uuid(), nullable=True),
    sa.Column('org_unit_hierarchy_uuid', sa.Uuid(), nullable=True),
    sa.Column('time_planning_uuid', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_org_unit_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit'))
    )
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_org_unit_history', ['uuid', 'reg_from'], unique=False)
        batch_op.create_index('ix_org_unit_org_unit_hierarchy_uuid', ['org_unit_hierarchy_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_org_unit_org_unit_level_uuid', ['org_unit_level_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_org_unit_parent_uuid', ['parent_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_org_unit_time_planning_uuid', ['time_planning_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_org_unit_unit_type_uuid', ['unit_type_uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.create_table('person',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reg_from', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reg_to', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('cpr_number', sa.String(length=255), nullable=True),
    sa.Column('given_name', sa.String(length=255), nullable=False),
    sa.Column('surname', sa.String(length=255), nullable=False),
    sa.Column('nickname_given_name', sa.String(length=255), nullable=True),
    sa.Column('nickname_surname', sa.String(length=255), nullable=True),
    sa.Column('seniority', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_person_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_cpr_number', ['cpr_number', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_person_current', ['uuid', 'valid_from'], unique=False, postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.create_index('ix_person_history', ['uuid', 'reg_from'], unique=False)

    op.create_table('registration_object',
    sa.Column('registration_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model', sa.String(length=40), nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_object_registration_id_registration')),
    sa.PrimaryKeyConstraint('registration_id', 'model', 'uuid', name=op.f('pk_registration_object'))
    )
    with op.batch_alter_table('registration_object', schema=None) as batch_op:
        batch_op.create_index('ix_registration_object_uuid', ['uuid', 'registration_id'], unique=False)
    if postgresql:
        for table in VERSIONED:
            op.execute(exclusion_constraint_sql(table))


def downgrade() -> None:
    with op.batch_alter_table('registration_object', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_object_uuid')

    op.drop_table('registration_object')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_history')
        batch_op.drop_index('ix_person_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_person_cpr_number', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('person')
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_org_unit_unit_type_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_org_unit_time_planning_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_org_unit_parent_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_org_unit_org_unit_level_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_org_unit_org_unit_hierarchy_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_org_unit_history')
        batch_op.drop_index('ix_org_unit_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('org_unit')
    with op.batch_alter_table('facet', schema=None) as batch_op:
        batch_op.drop_index('ix_facet_parent_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_facet_history')
        batch_op.drop_index('ix_facet_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('facet')
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_primary_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_engagement_person_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_engagement_org_unit_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_engagement_job_function_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_engagement_history')
        batch_op.drop_index('ix_engagement_engagement_type_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_engagement_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('engagement')
    with op.batch_alter_table('class', schema=None) as batch_op:
        batch_op.drop_index('ix_class_parent_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_class_owner', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_class_history')
        batch_op.drop_index('ix_class_facet_uuid', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))
        batch_op.drop_index('ix_class_current', postgresql_where=sa.text('reg_to IS NULL'), sqlite_where=sa.text('reg_to IS NULL'))

    op.drop_table('class')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_time'))
        batch_op.drop_index(batch_op.f('ix_registration_actor'))

    op.drop_table('registration')
    op.drop_table('organisation')
