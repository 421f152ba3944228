"""bills paid online: payment (one per invoice and per charge), invoice.paid_method

Revision ID: issue14_bill_payments
Revises: 0003
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'issue14_bill_payments'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'payment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('charge_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id']),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('invoice_id'),
        sa.UniqueConstraint('charge_id'),
    )
    op.create_index(op.f('ix_payment_customer_id'), 'payment', ['customer_id'], unique=False)
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('paid_method', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('paid_method')
    op.drop_index(op.f('ix_payment_customer_id'), table_name='payment')
    op.drop_table('payment')
