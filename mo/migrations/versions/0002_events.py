"""change events: the outbox, namespaces, listeners, pending events, the scheduler's day

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:30:00
"""

from alembic import op
import sqlalchemy as sa
import bitemporal.columns

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('event_namespace',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('owner', sa.Uuid(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_event_namespace'))
    )
    op.create_table('event_listener',
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('namespace', sa.String(length=255), nullable=False),
    sa.Column('owner', sa.Uuid(), nullable=False),
    sa.Column('user_key', sa.String(length=255), nullable=False),
    sa.Column('routing_key', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_event_listener')),
    sa.UniqueConstraint('namespace', 'owner', 'user_key', name='uq_event_listener_namespace_owner_user_key')
    )
    with op.batch_alter_table('event_listener', schema=None) as batch_op:
        batch_op.create_index('ix_event_listener_route', ['namespace', 'routing_key'], unique=False)

    op.create_table('event',
    sa.Column('id', ROW_ID, autoincrement=True, nullable=False),
    sa.Column('listener_uuid', sa.Uuid(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('fetched_count', sa.Integer(), nullable=False),
    sa.Column('next_try', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('silenced', sa.Boolean(), nullable=False),
    sa.Column('created_at', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['listener_uuid'], ['event_listener.uuid'], name=op.f('fk_event_listener_uuid_event_listener')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('listener_uuid', 'subject', name='uq_event_listener_uuid_subject'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_fetch', ['listener_uuid', 'priority', 'fetched_count'], unique=False)

    op.create_table('event_outbox',
    sa.Column('id', ROW_ID, autoincrement=True, nullable=False),
    sa.Column('routing_key', sa.String(length=40), nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('exchange', sa.String(length=255), nullable=True),
    sa.Column('cause', sa.String(length=20), nullable=False),
    sa.Column('registration_id', ROW_ID, nullable=True),
    sa.Column('effective_day', sa.Date(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('created_at', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('sent_at', bitemporal.columns.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_outbox')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('event_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_event_outbox_sent_at', ['sent_at'], unique=False)
        batch_op.create_index('ix_event_outbox_unsent', ['id'], unique=False, postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))

    op.create_table('event_scheduler',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('updated_at', bitemporal.columns.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_event_scheduler'))
    )


def downgrade() -> None:
    op.drop_table('event_scheduler')
    with op.batch_alter_table('event_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_event_outbox_unsent', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
        batch_op.drop_index('ix_event_outbox_sent_at')

    op.drop_table('event_outbox')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_fetch')

    op.drop_table('event')
    with op.batch_alter_table('event_listener', schema=None) as batch_op:
        batch_op.drop_index('ix_event_listener_route')

    op.drop_table('event_listener')
    op.drop_table('event_namespace')
