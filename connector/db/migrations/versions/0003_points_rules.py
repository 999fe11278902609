"""points rules: the cold-start points rules an admin edited, one set per installation

Revision ID: 0003_points_rules
Revises: 0002_feedback
Create Date: 2026-11-23
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003_points_rules'
down_revision = '0002_feedback'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('points_rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'],
                            name=op.f('fk_points_rule_sets_installation_id_installations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_rule_sets')),
    sa.UniqueConstraint('installation_id', name=op.f('uq_points_rule_sets_installation_id'))
    )
    op.create_index(op.f('ix_points_rule_sets_installation_id'), 'points_rule_sets', ['installation_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_points_rule_sets_installation_id'), table_name='points_rule_sets')
    op.drop_table('points_rule_sets')
