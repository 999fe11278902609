"""feedback: rep overrides and outcomes against the score at the time

Revision ID: 0002_feedback
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002_feedback'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('override_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crm_id', sa.String(length=64), nullable=False),
    sa.Column('model_tier', sa.String(length=1), nullable=False),
    sa.Column('override_tier', sa.String(length=1), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('sync_run_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'],
                            name=op.f('fk_override_feedback_installation_id_installations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_override_feedback')),
    sa.UniqueConstraint('installation_id', 'crm_id', 'model_tier', 'override_tier', 'score',
                        name='uq_override_feedback_once')
    )
    op.create_index(op.f('ix_override_feedback_installation_id'), 'override_feedback', ['installation_id'])
    op.create_table('outcome_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crm_id', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=1), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'],
                            name=op.f('fk_outcome_events_installation_id_installations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_events')),
    sa.UniqueConstraint('installation_id', 'crm_id', 'outcome',
                        name=op.f('uq_outcome_events_installation_id_crm_id_outcome'))
    )
    op.create_index(op.f('ix_outcome_events_installation_id'), 'outcome_events', ['installation_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_outcome_events_installation_id'), table_name='outcome_events')
    op.drop_table('outcome_events')
    op.drop_index(op.f('ix_override_feedback_installation_id'), table_name='override_feedback')
    op.drop_table('override_feedback')
