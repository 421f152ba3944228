"""security settings: the browser of each audit event (ログイン履歴)

Revision ID: issue13_security
Revises: 0003
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'issue13_security'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('user_agent')
