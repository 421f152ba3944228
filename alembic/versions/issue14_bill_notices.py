"""Web明細 and ご請求額確定のお知らせ: customer.paperless_since, account.bill_mail, invoice.mail_pending

Revision ID: issue14_bill_notices
Revises: issue14_customer_company
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'issue14_bill_notices'
down_revision = 'issue14_customer_company'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paperless_since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bill_mail', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_pending', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_invoice_mail_pending', ['mail_pending'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_mail_pending')
        batch_op.drop_column('mail_pending')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('bill_mail')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('paperless_since')
