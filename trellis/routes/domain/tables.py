"""Reading the advisor's dated data tables (``trellis/routes/data/*.csv``): one way for every table, so a bad row
is always refused the same way — the file, the row's number as a spreadsheet shows it, and what is wrong."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path


def checked_rows(path: Path, problem: Callable[[dict[str, str]], str | None]) -> Iterator[dict[str, str]]:
    """Each row of the table at ``path`` that ``problem`` finds nothing wrong with; ValueError at the first that it
    does (the header is row 1)."""
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            found = problem(row)
            if found:
                raise ValueError(f"{path.name} row {number}: {found}.")
            yield row
