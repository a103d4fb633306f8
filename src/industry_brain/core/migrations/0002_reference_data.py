"""Load GB/T 2260 districts of Hangzhou and GB/T 4754-2017 sections and divisions from core/data."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    District = apps.get_model("core", "District")
    Section = apps.get_model("core", "IndustrySection")
    Division = apps.get_model("core", "IndustryDivision")
    with open(DATA / "hangzhou-districts-gbt2260.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            short = row["name"][:-1] if row["name"].endswith(("区", "县", "市")) else row["name"]
            District.objects.update_or_create(code=row["code"], defaults={
                "name": row["name"], "kind": row["kind"], "short_name": short})
    with open(DATA / "gbt4754-2017-divisions.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Section.objects.update_or_create(code=row["section"], defaults={"name": row["section_name"]})
            Division.objects.update_or_create(code=row["division"], defaults={
                "name": row["division_name"], "section_id": row["section"]})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
