"""webhook receipts: CRM events already acted on, so redelivered webhook batches are not acted on twice

Revision ID: 0004_webhook_receipts
Revises: 0003_points_rules
Create Date: 2026-11-23
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004_webhook_receipts'
down_revision = '0003_points_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=120), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'],
                            name=op.f('fk_webhook_receipts_installation_id_installations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_receipts')),
    sa.UniqueConstraint('installation_id', 'event_key', name=op.f('uq_webhook_receipts_installation_id_event_key'))
    )
    op.create_index(op.f('ix_webhook_receipts_installation_id'), 'webhook_receipts', ['installation_id'])
    op.create_index(op.f('ix_webhook_receipts_received_at'), 'webhook_receipts', ['received_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_webhook_receipts_received_at'), table_name='webhook_receipts')
    op.drop_index(op.f('ix_webhook_receipts_installation_id'), table_name='webhook_receipts')
    op.drop_table('webhook_receipts')
