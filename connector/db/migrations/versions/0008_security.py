"""security: server-side admin sessions (revocable), admin roles

Revision ID: 0008_security
Revises: 0004_webhook_receipts
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008_security'
down_revision = '0004_webhook_receipts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admin_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admin_users.id'],
                            name=op.f('fk_admin_sessions_admin_id_admin_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_sessions'))
    )
    op.create_index(op.f('ix_admin_sessions_admin_id'), 'admin_sessions', ['admin_id'])
    # Admins from before roles keep every power they had.
    with op.batch_alter_table('admin_users') as batch:
        batch.add_column(sa.Column('role', sa.String(length=16), nullable=False, server_default='owner'))


def downgrade() -> None:
    with op.batch_alter_table('admin_users') as batch:
        batch.drop_column('role')
    op.drop_index(op.f('ix_admin_sessions_admin_id'), table_name='admin_sessions')
    op.drop_table('admin_sessions')
