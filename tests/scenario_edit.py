"""Editing a copy of the demo scenario folder cell by cell (tests of the loader's messages)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A writable copy of ``data/demo``."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    return folder


def rows(folder: Path, file: str) -> list[list[str]]:
    with open(folder / file, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write(folder: Path, file: str, table: list[list[str]]) -> None:
    with open(folder / file, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(table)


def set_cell(folder: Path, file: str, line: int, column: str, value: str) -> None:
    """Set the cell of a 1-based line (header = 1) and a column name."""
    table = rows(folder, file)
    table[line - 1][table[0].index(column)] = value
    write(folder, file, table)
