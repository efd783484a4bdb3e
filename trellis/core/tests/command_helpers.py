"""Running a `trellis` command in a test: what it printed, or the error it stopped with (and that it printed
nothing on stdout), and writing its input file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run_command(name: str, *args) -> tuple[str, str]:
    """(stdout, stderr) of ``trellis <name> <args>``."""
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_command_failing(name: str, *args) -> str:
    """The message ``trellis <name> <args>`` stops with; it must print nothing on stdout."""
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(name, *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""
    return str(failure.value)


def write_input(folder: Path, data, name: str) -> Path:
    """A file holding ``data`` (JSON, or the text given as it is)."""
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path
