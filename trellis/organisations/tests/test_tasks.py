"""The directory's background tasks are found by Huey's consumer on its own: when it starts, it imports every
installed app's ``tasks`` module. Checked in a fresh interpreter, where nothing else has imported them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CONSUMER_START = """
import json
import django
django.setup()
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
before = sorted(HUEY._registry._registry)
autodiscover_modules("tasks")  # what huey's run_huey command does before it takes work
print(json.dumps({"before": before, "after": sorted(HUEY._registry._registry)}))
"""


def test_the_consumer_finds_the_import_task_and_the_scheduled_tasks():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", CONSUMER_START], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    tasks = {
        "trellis.organisations.tasks.organisations_import_task",
        "trellis.organisations.tasks.sweep_stalled_imports",
        "trellis.organisations.tasks.send_evidence_reminders",
    }
    assert not tasks & set(found["before"])  # setting up Django alone does not load them ...
    assert tasks <= set(found["after"])  # ... the consumer's own discovery does
