"""business subscribers: customer.company and customer.department (bills addressed with 御中)

Revision ID: issue14_customer_company
Revises: issue14_bill_payments
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'issue14_customer_company'
down_revision = 'issue14_bill_payments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('company', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('department', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('department')
        batch_op.drop_column('company')
