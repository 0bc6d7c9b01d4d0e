"""The column table of contracts.csv in docs/scenario-format.md, made from the domain.

Each row comes from a field of :class:`planner.domain.Contract` (bounds, default,
description, example) and the CSV column that reads it (type, cell format), so a new
contract parameter needs no hand-written row. Rewrite the block between the markers with

    python -m planner.scenario_io.doc_tables

``tests/test_scenario_files.py`` fails when the docs differ from what this makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotated_types import Ge, Le
from pydantic.fields import FieldInfo

from planner.scenario_io import cells as c
from planner.scenario_io.tables import CONTRACTS, Column

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"
BEGIN = "<!-- contracts.csv columns: made by python -m planner.scenario_io.doc_tables -->"
END = "<!-- end of the contracts.csv columns -->"

_TYPES = {c.parse_int: "integer", c.parse_float: "decimal", c.parse_bool: "boolean",
          c.parse_limits: "`type=n; …`"}


def _number(x: float) -> str:
    return f"{x:g}"


def _type(col: Column, f: FieldInfo) -> str:
    """The cell's type, with the bounds the field adds to its type's own."""
    base = _TYPES.get(col.parse, "text")
    lo = next((m.ge for m in f.metadata if isinstance(m, Ge) and m.ge > 0), None)
    hi = next((m.le for m in f.metadata if isinstance(m, Le)), None)
    if lo is not None and hi is not None:
        return f"{base} {_number(lo)}–{_number(hi)}"
    if lo is not None:
        return f"{base} ≥ {_number(lo)}"
    if hi is not None:
        return f"{base} ≤ {_number(hi)}"
    return base


def _row(col: Column, f: FieldInfo) -> str:
    if not f.examples or not f.description:
        raise ValueError(f"planner.domain.Contract.{col.attr} needs a description and an "
                         "example (its row of docs/scenario-format.md)")
    required = f.is_required()
    default = None if required else f.get_default(call_default_factory=True)
    if required:
        shown = ""
    elif default is None or default == {}:
        shown = "none"
    elif default == "":
        shown = '`""`'
    else:
        shown = f"`{col.fmt(default)}`"
    example = f"`{col.fmt(f.examples[0])}`"
    if col.nullable and default is not None:
        example += " or `none`"  # the cell 'none' lifts a default limit
    cells = (f"`{col.name}`", _type(col, f), "yes" if required else "no", shown, example,
             f.description)
    return "| " + " | ".join(cells).replace("|  |", "| |") + " |"


def contracts_table() -> str:
    """The markdown table of the columns of contracts.csv, one row a field of Contract."""
    fields = CONTRACTS.model.model_fields
    rows = ["| column | type | required | default | example | meaning |",
            "| --- | --- | --- | --- | --- | --- |"]
    rows += [_row(col, fields[col.attr]) for col in CONTRACTS.columns]
    return "\n".join(rows)


def rewrite(text: str) -> str:
    """``text`` (docs/scenario-format.md) with the block between the markers made anew."""
    head, sep, rest = text.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError(f"{DOC.name}: the markers {BEGIN!r} and {END!r} are missing")
    return f"{head}{BEGIN}\n{contracts_table()}\n{END}{tail}"


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    new = rewrite(text)
    if new != text:
        DOC.write_text(new, encoding="utf-8")
        print(f"rewrote the contracts.csv table of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
