"""Write a :class:`Scenario` to a folder that :func:`load_scenario` reads back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

from planner.domain import Scenario
from planner.scenario_io import tables as t
from planner.scenario_io.settings import write_settings


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` as a scenario folder (created if needed).

    Every CSV file is written, with its header, even when it has no rows, so that a
    manager can fill it in a spreadsheet. ``load_scenario(path) == scenario``.

    Parameters
    ----------
    scenario : Scenario
        The scenario to write.
    path : str or Path
        Target folder; existing files of the same names are replaced.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    write_settings(folder, scenario.name, scenario.horizon, scenario.rules)
    for table in t.TABLES:
        items = getattr(scenario, table.scenario_field)
        if table.scenario_field in t.UNDECIDED:
            items = (*items, *getattr(scenario, t.UNDECIDED[table.scenario_field]))
        with open(folder / table.file, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow([c.name for c in table.columns])
            for item in items:
                writer.writerow([_cell(table, c, getattr(item, c.attr)) for c in table.columns])


def _cell(table: t.Table, col: t.Column, value) -> str:
    if value is None:
        # an empty cell means the default; 'none' says "no limit" where the default is one
        return "" if table.model.model_fields[col.attr].default is None else "none"
    return col.fmt(value)
