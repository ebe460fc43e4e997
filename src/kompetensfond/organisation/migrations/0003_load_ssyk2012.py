"""Reference data: every SSYK 2012 code with its English name, and Swedish names of the
occupations the product uses most (shared/data/README.md). SCB's file adds the rest."""

import csv
from pathlib import Path

from django.db import migrations

SWEDISH = {
    "2341": "Grundskollärare",
    "2343": "Förskollärare",
    "2330": "Gymnasielärare",
    "2351": "Speciallärare och specialpedagoger",
    "2661": "Socialsekreterare",
    "3411": "Behandlingsassistenter och socialpedagoger",
    "5311": "Barnskötare",
    "5312": "Elevassistenter m.fl.",
    "5321": "Undersköterskor, hemtjänst, hemsjukvård och äldreboende",
    "5330": "Vårdbiträden",
    "5343": "Personliga assistenter",
    "2221": "Grundutbildade sjuksköterskor",
}


def load(apps, schema_editor):
    Occupation = apps.get_model("organisation", "Occupation")
    path = Path(__file__).resolve().parent.parent / "data" / "ssyk2012_en.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    Occupation.objects.bulk_create(
        [Occupation(ssyk_code=r["code"].strip(), name_en=r["name"].strip(),
                    name_sv=SWEDISH.get(r["code"].strip(), "")) for r in rows],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("organisation", "Occupation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0002_employee_import")]
    operations = [migrations.RunPython(load, unload)]
