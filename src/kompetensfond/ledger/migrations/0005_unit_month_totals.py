"""Unit totals per month: ``LedgerUnitTotal`` gets a month and is filled again from the
entries (what ledger-check compares), so a period of whole months is read from it."""

import datetime

from django.db import migrations, models


def refill(apps, schema_editor):
    month = ("CAST(date_trunc('month', t.date) AS date)"
             if schema_editor.connection.vendor == "postgresql" else "date(t.date, 'start of month')")
    schema_editor.execute("DELETE FROM ledger_ledgerunittotal")
    schema_editor.execute(
        "INSERT INTO ledger_ledgerunittotal (fund_id, kind, unit_key, month, amount) "
        f"SELECT a.fund_id, a.kind, COALESCE(t.org_unit_id, 0), {month}, SUM(e.amount) "
        "FROM ledger_ledgerentry e JOIN ledger_ledgeraccount a ON a.id = e.account_id "
        "JOIN ledger_ledgertransaction t ON t.id = e.transaction_id "
        f"GROUP BY a.fund_id, a.kind, COALESCE(t.org_unit_id, 0), {month}")


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_alter_ledgertransaction_kind'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='ledgerunittotal',
            name='ledger_unit_total_unique',
        ),
        migrations.AddField(
            model_name='ledgerunittotal',
            name='month',
            field=models.DateField(default=datetime.date(2000, 1, 1)),
            preserve_default=False,
        ),
        # the constraint follows in 0006: PostgreSQL does not alter a table with the
        # inserts' deferred foreign-key checks still pending in the same transaction
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
