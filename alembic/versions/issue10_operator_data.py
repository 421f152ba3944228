"""services get the name the billing system gives them; issued invoices are corrected, never rewritten

- service.name: imports match services by customer and name.
- invoice.revision / corrects_id / correction_note: a correction (修正) is a new invoice that
  names the one it corrects; one invoice per customer, period and revision. Numbers may be
  longer, so that a correction can be numbered after its original (…-R1).
- Retention: a trigger refuses to delete an invoice, or change or delete its lines, before
  7 years have passed since it was issued. On SQLite a later migration that alters the
  invoice table in batch mode (which copies and renames it) must drop these triggers first
  and create them again after.

Revision ID: issue10_operator_data
Revises: issue14_bill_notices
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op


revision = 'issue10_operator_data'
down_revision = 'issue14_bill_notices'
branch_labels = None
depends_on = None

RETENTION_MESSAGE = 'invoices are kept for 7 years after issue; make a correction instead'

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER invoice_retention BEFORE DELETE ON invoice
    WHEN old.issued_on > date('now', '-7 years')
    BEGIN SELECT RAISE(ABORT, '{RETENTION_MESSAGE}'); END""",
    f"""CREATE TRIGGER invoice_line_retention BEFORE DELETE ON invoice_line
    WHEN (SELECT issued_on FROM invoice WHERE id = old.invoice_id) > date('now', '-7 years')
    BEGIN SELECT RAISE(ABORT, '{RETENTION_MESSAGE}'); END""",
    f"""CREATE TRIGGER invoice_line_immutable BEFORE UPDATE ON invoice_line
    WHEN (SELECT issued_on FROM invoice WHERE id = old.invoice_id) > date('now', '-7 years')
    BEGIN SELECT RAISE(ABORT, '{RETENTION_MESSAGE}'); END""",
)
POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION invoice_retention() RETURNS trigger AS $$
    DECLARE issued date;
    BEGIN
      IF TG_TABLE_NAME = 'invoice' THEN issued := OLD.issued_on;
      ELSE SELECT issued_on INTO issued FROM invoice WHERE id = OLD.invoice_id;
      END IF;
      IF issued > CURRENT_DATE - INTERVAL '7 years' THEN
        RAISE EXCEPTION '{RETENTION_MESSAGE}';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER invoice_retention BEFORE DELETE ON invoice FOR EACH ROW EXECUTE FUNCTION invoice_retention()",
    "CREATE TRIGGER invoice_line_retention BEFORE DELETE OR UPDATE ON invoice_line "
    "FOR EACH ROW EXECUTE FUNCTION invoice_retention()",
)


def upgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=False, server_default=''))
        batch_op.create_index('ix_service_customer_name', ['customer_id', 'name'], unique=False)
    # Services loaded before imports existed are known by their plan.
    op.execute("UPDATE service SET name = plan WHERE name = ''")

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction_note', sa.String(length=500), nullable=False, server_default=''))
        batch_op.alter_column('invoice_number', type_=sa.String(length=40), existing_nullable=False)
        batch_op.drop_constraint('uq_invoice_period', type_='unique')
        batch_op.create_unique_constraint('uq_invoice_period_revision', ['customer_id', 'period', 'revision'])
        batch_op.create_foreign_key('fk_invoice_corrects_id', 'invoice', ['corrects_id'], ['id'])
        batch_op.create_index('ix_invoice_corrects_id', ['corrects_id'], unique=False)
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER invoice_line_retention ON invoice_line')
        op.execute('DROP TRIGGER invoice_retention ON invoice')
        op.execute('DROP FUNCTION invoice_retention()')
    else:
        for name in ('invoice_line_immutable', 'invoice_line_retention', 'invoice_retention'):
            op.execute(f'DROP TRIGGER {name}')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_corrects_id')
        batch_op.drop_constraint('fk_invoice_corrects_id', type_='foreignkey')
        batch_op.drop_constraint('uq_invoice_period_revision', type_='unique')
        batch_op.create_unique_constraint('uq_invoice_period', ['customer_id', 'period'])
        batch_op.alter_column('invoice_number', type_=sa.String(length=30), existing_nullable=False)
        batch_op.drop_column('correction_note')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('revision')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index('ix_service_customer_name')
        batch_op.drop_column('name')
