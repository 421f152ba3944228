"""services: the name the billing system gives a service (imports match services by it)

Revision ID: issue10_operator_data
Revises: 0003
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op


revision = 'issue10_operator_data'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=False, server_default=''))
        batch_op.create_index('ix_service_customer_name', ['customer_id', 'name'], unique=False)
    # Services loaded before imports existed are known by their plan.
    op.execute("UPDATE service SET name = plan WHERE name = ''")


def downgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index('ix_service_customer_name')
        batch_op.drop_column('name')
