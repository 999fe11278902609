"""lift: stored model reports and backtests, the A/B experiment and its assignments, ROI inputs

Revision ID: 0016_lift
Revises: 0008_security
Create Date: 2026-12-08
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0016_lift'
down_revision = '0008_security'
branch_labels = None
depends_on = None


def _owned(name: str, *columns: sa.Column, unique: tuple[str, ...] = ('installation_id',)) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    *columns,
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'],
                            name=op.f(f'fk_{name}_installation_id_installations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    sa.UniqueConstraint(*unique, name=op.f(f'uq_{name}_{"_".join(unique)}'))
    )
    op.create_index(op.f(f'ix_{name}_installation_id'), name, ['installation_id'])


def upgrade() -> None:
    with op.batch_alter_table('model_versions') as batch:
        batch.add_column(sa.Column('report_json', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('backtest', sa.JSON(), nullable=True))
    _owned('experiments',
           sa.Column('control_share', sa.Float(), nullable=False),
           sa.Column('control_method', sa.String(length=20), nullable=False),
           sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
           sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
           sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
           sa.Column('updated_by', sa.String(length=200), nullable=False))
    _owned('experiment_assignments',
           sa.Column('crm_id', sa.String(length=64), nullable=False),
           sa.Column('arm', sa.String(length=10), nullable=False),
           sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
           sa.Column('new_record', sa.Boolean(), nullable=False),
           sa.Column('control_score', sa.Integer(), nullable=True),
           sa.Column('control_tier', sa.String(length=1), nullable=True),
           sa.Column('written_at', sa.DateTime(timezone=True), nullable=True),
           unique=('installation_id', 'crm_id'))
    _owned('roi_inputs',
           sa.Column('deal_value', sa.Float(), nullable=False),
           sa.Column('monthly_cost', sa.Float(), nullable=False),
           sa.Column('rep_cost_per_hour', sa.Float(), nullable=False),
           sa.Column('minutes_per_lead', sa.Float(), nullable=False),
           sa.Column('updated_by', sa.String(length=200), nullable=False),
           sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False))


def downgrade() -> None:
    for name in ('roi_inputs', 'experiment_assignments', 'experiments'):
        op.drop_index(op.f(f'ix_{name}_installation_id'), table_name=name)
        op.drop_table(name)
    with op.batch_alter_table('model_versions') as batch:
        batch.drop_column('backtest')
        batch.drop_column('report_json')
