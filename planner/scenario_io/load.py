"""Load a scenario folder (CSV per entity + ``settings.toml``) into a :class:`Scenario`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from planner.domain import Assignment, Scenario
from planner.scenario_io import tables as t
from planner.scenario_io.errors import ScenarioError
from planner.scenario_io.settings import FILE, key_line, read_settings
from planner.scenario_io.text import read_text

Row = tuple[int, dict[str, Any]]  # (line number, field values)

# (table, column) -> kind of id it refers to; checked here so that the message can name
# file, line and column (the Scenario-level checks only know the entity)
REFERENCES: dict[str, dict[str, str]] = {
    "contracts.csv": {"shift_limits": "shift type"},
    "technicians.csv": {"contract": "contract", "clients": "client"},
    "coverage.csv": {"client": "client", "shift": "shift type"},
    "oncall_rotations.csv": {"clients": "client"},
    "absences.csv": {"technician": "technician"},
    "peaks.csv": {"client": "client", "shift": "shift type"},
    "requests.csv": {"technician": "technician", "shift": "shift type"},
    "history.csv": {"technician": "technician", "shift": "shift type", "client": "client"},
    "fixed.csv": {"technician": "technician", "shift": "shift type", "client": "client"},
    "busy.csv": {"technician": "technician"},
}


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario folder.

    Parameters
    ----------
    path : str or Path
        Folder holding ``settings.toml`` and the CSV files (see docs/scenario-format.md).

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        On any malformed input; the message names the file, the line (header = 1),
        the column and what is wrong.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ScenarioError(str(folder), "scenario folder not found")
    name, horizon, rules = read_settings(folder)
    ids: dict[str, set[str]] = {}
    parts: dict[str, tuple] = {}
    shift_types: dict[str, Any] = {}
    clients: dict[str, Any] = {}
    technicians: dict[str, Any] = {}
    # order matters: referenced tables are read before the tables that refer to them
    for table in t.TABLES:
        rows = _read_rows(folder, table)
        if table.id_column:
            _unique(table, rows)
        for line, values in rows:
            _check_references(table, line, values, ids)
            if table.model is Assignment:
                _fill_times(table, line, values, shift_types, clients)
            if table is t.BUSY:
                _busy_zone(table, line, values, technicians)
        items = tuple(_build(table, line, values) for line, values in rows)
        parts[table.scenario_field] = items
        if table.scenario_field in t.UNDECIDED:  # pending/rejected rows: kept, not planned
            parts[table.scenario_field] = tuple(i for i in items if i.status == "approved")
            parts[t.UNDECIDED[table.scenario_field]] = tuple(
                i for i in items if i.status != "approved")
        if table.id_column:
            ids[_KIND[table.file]] = {i.id for i in items}
        if table is t.SHIFT_TYPES:
            shift_types = {s.id: s for s in items}
            _check_successions(folder, rules, shift_types)
        if table is t.CLIENTS:
            clients = {c.id: c for c in items}
        if table is t.TECHNICIANS:
            technicians = {x.id: x for x in items}
    try:
        return Scenario(name=name, horizon=horizon, rules=rules, **parts)
    except ValidationError as exc:
        raise ScenarioError("scenario", _message(exc)) from None


_KIND = {"skills.csv": "skill", "contracts.csv": "contract", "technicians.csv": "technician",
         "clients.csv": "client", "shift_types.csv": "shift type",
         "oncall_rotations.csv": "rotation"}


def _read_rows(folder: Path, table: t.Table) -> list[Row]:
    path = folder / table.file
    if not path.is_file():
        if path.exists():
            raise ScenarioError(table.file, "is a folder (or not a regular file): expected a "
                                "CSV file")
        if table.required_file:
            raise ScenarioError(table.file, f"file not found in scenario folder {str(folder)!r}")
        return []
    text = read_text(path, table.file)
    first = text.splitlines()[0] if text.strip() else ""
    # spreadsheets in French/Belgian locales export with ';' as the field separator
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # strict: an unclosed quote is an error (not a cell swallowing the rest of the file)
    reader = _Rows(table.file, csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    header = next(reader, None)
    if not header and not table.required_file:
        return []  # an empty optional file: no rows
    if not header:
        raise ScenarioError(table.file, "empty file: the first line must name the columns",
                            line=1)
    names = [h.strip() for h in header]
    known = [c.name for c in table.columns]
    for n in names:
        if n and n not in known:
            raise ScenarioError(table.file, f"unknown column (known: {', '.join(known)})",
                                line=1, column=n)
        if n and names.count(n) > 1:
            raise ScenarioError(table.file, "column given twice", line=1, column=n)
    for col in table.columns:
        if col.required and col.name not in names:
            raise ScenarioError(table.file, f"missing required column {col.name!r}", line=1)
    rows: list[Row] = []
    for cells in reader:
        line = reader.start
        if not any(c.strip() for c in cells):
            continue  # blank lines that spreadsheets leave at the end
        if len(cells) > len(names):
            raise ScenarioError(table.file, f"{len(cells)} cells but the header names "
                                f"{len(names)} columns", line=line)
        raw = dict(zip(names, (c.strip() for c in cells)))
        for n, v in raw.items():
            if not n and v:
                raise ScenarioError(table.file, f"value {v!r} under a column with no name",
                                    line=line)
        rows.append((line, _parse_row(table, line, raw)))
    return rows


def _parse_row(table: t.Table, line: int, raw: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for col in table.columns:
        cell = raw.get(col.name, "")
        if cell == "":
            if col.required:
                raise ScenarioError(table.file, "missing value", line=line, column=col.name)
            continue
        if col.nullable and cell.lower() == "none":
            values[col.attr] = None
            continue
        try:
            values[col.attr] = col.parse(cell)
        except ValueError as exc:
            raise ScenarioError(table.file, str(exc), line=line, column=col.name) from None
    return values


class _Rows:
    """A csv reader that knows the line each row starts on and names it in CSV errors."""

    def __init__(self, file: str, reader) -> None:
        self.file = file
        self.reader = reader
        self.start = 1

    def __iter__(self) -> "_Rows":
        return self

    def __next__(self) -> list[str]:
        self.start = self.reader.line_num + 1
        try:
            return next(self.reader)
        except csv.Error as exc:
            msg = str(exc)
            if "unexpected end of data" in msg:
                msg = "a quoted cell is never closed (missing '\"')"
            raise ScenarioError(self.file, f"bad CSV: {msg}", line=self.start) from None


def _unique(table: t.Table, rows: list[Row]) -> None:
    seen: dict[str, int] = {}
    for line, values in rows:
        key = values[table.id_column]
        if key in seen:
            raise ScenarioError(table.file, f"duplicate id {key!r} (first on line {seen[key]})",
                                line=line, column=table.id_column)
        seen[key] = line


def _check_references(table: t.Table, line: int, values: dict, ids: dict) -> None:
    for column, kind in REFERENCES.get(table.file, {}).items():
        value = values.get(column)
        if not value:
            continue  # empty = no reference (e.g. a peak on every shift)
        refs = sorted(value) if isinstance(value, (frozenset, dict)) else [value]
        for ref in refs:
            if ref not in ids.get(kind, set()):
                raise ScenarioError(table.file, f"unknown {kind} {ref!r}",
                                    line=line, column=column)


def _check_successions(folder: Path, rules, shift_types: dict) -> None:
    for pair in sorted(rules.forbidden_successions):
        for sid in pair:
            if sid not in shift_types:
                text = (folder / FILE).read_text(encoding="utf-8-sig")
                raise ScenarioError(FILE, f"unknown shift type {sid!r}",
                                    line=key_line(text, "rules", "forbidden_successions"),
                                    column="rules.forbidden_successions")


def _fill_times(table: t.Table, line: int, values: dict, shift_types: dict,
                clients: dict) -> None:
    """Derive an assignment's start/end from its shift type when both cells are empty."""
    has = ("start" in values, "end" in values)
    if all(has):
        # a local date-time without offset is read in the client's zone
        zone = clients[values["client"]].zone
        for key in ("start", "end"):
            if values[key].tzinfo is None:
                values[key] = values[key].replace(tzinfo=zone)
        return
    if any(has):
        missing = "end" if has[0] else "start"
        raise ScenarioError(table.file, "give both start and end, or neither (derived from "
                            "the shift type)", line=line, column=missing)
    shift = shift_types[values["shift"]]
    zone = clients[values["client"]].zone
    day: dt.date = values["date"]
    values["start"] = dt.datetime.combine(day, shift.start, tzinfo=zone)
    end_day = day + dt.timedelta(days=1) if shift.crosses_midnight else day
    values["end"] = dt.datetime.combine(end_day, shift.end, tzinfo=zone)


def _busy_zone(table: t.Table, line: int, values: dict, technicians: dict) -> None:
    """A busy duty's date-times without offset are read in the technician's zone; the
    duty must end after it starts and start within a day of its date."""
    zone = ZoneInfo(technicians[values["technician"]].timezone)
    for key in ("start", "end"):
        if values[key].tzinfo is None:
            values[key] = values[key].replace(tzinfo=zone)
    if values["end"] <= values["start"]:
        raise ScenarioError(table.file, f"ends ({values['end'].isoformat()}) before it starts "
                            f"({values['start'].isoformat()})", line=line, column="end")
    if abs((values["start"].astimezone(zone).date() - values["date"]).days) > 1:
        raise ScenarioError(table.file, f"starts on {values['start'].date()}, not within a "
                            f"day of its date {values['date']}", line=line, column="date")


def _build(table: t.Table, line: int, values: dict[str, Any]):
    try:
        return table.model(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        col = table.by_attr(str(first["loc"][0])) if first["loc"] else None
        raise ScenarioError(table.file, _message(exc), line=line,
                            column=col.name if col else None) from None


def _message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] in ("enum", "literal_error") and "input" in first:
        msg = f"unknown value {first['input']!r}: {msg}"
    return msg
