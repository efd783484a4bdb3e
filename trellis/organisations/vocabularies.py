"""The controlled vocabularies (service types, client groups) shipped as data tables.

Loaded by migration 0002; admins may edit them afterwards.
"""

import csv
from importlib import resources

VOCABULARY_FILES = (("ServiceType", "service_types.csv"), ("ClientGroup", "client_groups.csv"))


def rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("trellis.organisations").joinpath(f"data/{filename}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_vocabularies(get_model) -> None:
    """Create or refresh every vocabulary entry. ``get_model(name)`` returns the model class
    (historical models in a migration, the real ones elsewhere)."""
    for model_name, filename in VOCABULARY_FILES:
        model = get_model(model_name)
        for i, row in enumerate(rows(filename)):
            model.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "description": row["description"], "sort_order": i}
            )
