"""The `trellis` console script: Django's management commands with Trellis settings preset.

trellis demo load        trellis audit verify        trellis runserver
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["trellis", *(argv if argv is not None else sys.argv[1:])])
