"""Seed the cost assumptions from the engine's dated data table (trellis/routes/data/cost_assumptions.csv).

The file is read with the csv module, not through the engine, so this migration stays the same whatever
the engine becomes. Rows already in the table (edited by an administrator) are left as they are.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "cost_assumptions.csv"


def seed(apps, schema_editor):
    CostAssumption = apps.get_model("routes", "CostAssumption")
    if not CSV_PATH.exists():
        return
    with CSV_PATH.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            CostAssumption.objects.get_or_create(
                key=row["key"].strip(),
                defaults={
                    "value": Decimal(row["value"].strip()),
                    "unit": row.get("unit", "").strip(),
                    "assumption": row.get("assumption", "").strip(),
                    "source": row.get("source", "").strip(),
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("routes", "CostAssumption").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("routes", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
