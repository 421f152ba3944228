"""audit events: an index for counting by address (login and recovery throttles)

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_kind_ip_at', ['kind', 'ip', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_kind_ip_at')
