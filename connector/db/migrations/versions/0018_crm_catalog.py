"""crm catalogs: the last workflow/campaign and property lists read from the CRM, for the rule form

Revision ID: 0018_crm_catalog
Revises: 0016_lift
Create Date: 2026-12-08
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0018_crm_catalog'
down_revision = '0016_lift'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crm_catalogs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'],
                            name=op.f('fk_crm_catalogs_installation_id_installations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_catalogs')),
    sa.UniqueConstraint('installation_id', 'kind', name=op.f('uq_crm_catalogs_installation_id_kind'))
    )
    op.create_index(op.f('ix_crm_catalogs_installation_id'), 'crm_catalogs', ['installation_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_crm_catalogs_installation_id'), table_name='crm_catalogs')
    op.drop_table('crm_catalogs')
