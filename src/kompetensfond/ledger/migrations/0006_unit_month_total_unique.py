from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_unit_month_totals'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='ledgerunittotal',
            constraint=models.UniqueConstraint(fields=('fund', 'kind', 'unit_key', 'month'),
                                               name='ledger_unit_month_total_unique'),
        ),
    ]
