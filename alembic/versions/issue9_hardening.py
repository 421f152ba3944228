"""hardening: audit events get the throttling network of the address (IPv4 singly,
IPv6 by /64); login_guard, one row per login ID, locked while its failures are counted;
CAPTCHA challenges get the network that asked (creation is limited per address)

Revision ID: issue9_hardening
Revises: issue10_operator_data
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'issue9_hardening'
down_revision = 'issue10_operator_data'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('net', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index('ix_audit_kind_net_at', ['kind', 'net', 'at'], unique=False)
    # Older events keep their address as their network; throttles look back an hour only.
    op.execute("UPDATE audit_event SET net = ip")
    with op.batch_alter_table('captcha_challenge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('net', sa.String(length=64), nullable=False, server_default=''))
        batch_op.create_index('ix_captcha_net_created', ['net', 'created_at'], unique=False)
    op.create_table(
        'login_guard',
        sa.Column('subject', sa.String(length=100), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('subject'),
    )


def downgrade() -> None:
    op.drop_table('login_guard')
    with op.batch_alter_table('captcha_challenge', schema=None) as batch_op:
        batch_op.drop_index('ix_captcha_net_created')
        batch_op.drop_column('net')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_kind_net_at')
        batch_op.drop_column('net')
