"""Reference data: the Swedish names of all 429 SSYK 2012 unit groups
(organisation/data/ssyk2012_sv.csv). A name already set (by ``import-ssyk`` from SCB's own
file) is kept."""

import csv
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    Occupation = apps.get_model("organisation", "Occupation")
    path = Path(__file__).resolve().parent.parent / "data" / "ssyk2012_sv.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        names = {r["code"].strip(): r["name_sv"].strip() for r in csv.DictReader(handle)}
    changed = []
    for occupation in Occupation.objects.filter(ssyk_code__in=names, name_sv=""):
        occupation.name_sv = names[occupation.ssyk_code]
        changed.append(occupation)
    Occupation.objects.bulk_update(changed, ["name_sv"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0004_paragraph_register")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
