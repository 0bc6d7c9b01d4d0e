"""Benchmark roster files (``<Instance>.roster.csv``) and the Plan → roster mapping.

A roster file has the header ``employee,day,shift`` and one row per worked day:
the employee and shift IDs as in the instance file, the day index from 0.
"""

from __future__ import annotations

import csv
from pathlib import Path

import datetime as dt

from planner.curtois.checker import Roster, roster_entries
from planner.curtois.to_domain import CLIENT, date_day, day_date
from planner.domain import Assignment, Plan, Scenario

HEADER = ("employee", "day", "shift")

Entries = tuple[tuple[str, int, str], ...]


class RosterError(ValueError):
    """A malformed roster file; the message names the file and line."""


def plan_to_roster(plan: Plan) -> Entries:
    """The roster of a domain plan made by :func:`instance_to_scenario`'s scenario.

    Parameters
    ----------
    plan : the planned assignments (technician id = employee id, shift id = shift type).

    Returns
    -------
    tuple of (employee, day, shift)
        Sorted by employee then day; two shifts of one person on one day are kept
        (the checker reports them), so nothing in the plan is hidden.
    """
    return tuple(sorted((a.technician, date_day(a.date), a.shift) for a in plan.assignments))


def roster_to_plan(scenario: Scenario, roster: Roster) -> Plan:
    """The domain plan of a roster, in the scenario made by :func:`instance_to_scenario`.

    Each entry becomes an assignment to the benchmark client on the day's date,
    with the shift type's interval (UTC). Used to cross-check the domain checker
    against the benchmark checker, and to warm-start the solver from a roster.
    """
    types = {s.id: s for s in scenario.shift_types}
    out = []
    for e, d, s in roster_entries(roster):
        date = day_date(d)
        start = dt.datetime.combine(date, types[s].start, tzinfo=dt.timezone.utc)
        end = start + dt.timedelta(minutes=types[s].duration_minutes)
        out.append(Assignment(technician=e, date=date, shift=s, client=CLIENT, start=start, end=end))
    out.sort(key=lambda a: (a.date, a.technician, a.shift))
    return Plan(assignments=tuple(out))


def roster_path(out_dir: str | Path, instance_name: str) -> Path:
    """``DIR/<Instance>.roster.csv``."""
    return Path(out_dir) / f"{instance_name}.roster.csv"


def write_roster(path: str | Path, roster: Roster) -> Path:
    """Write a roster file (rows sorted by employee, then day).

    Parameters
    ----------
    path : the file to write (its folder is created if needed).
    roster : ``{(employee, day): shift}`` or ``(employee, day, shift)`` triples.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    rows = sorted(roster_entries(roster), key=lambda r: (r[0], r[1], r[2]))
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return p


def read_roster(path: str | Path) -> Entries:
    """Read a roster file back.

    Returns
    -------
    tuple of (employee, day, shift)
        In file order (duplicates kept for the checker to report).

    Raises
    ------
    RosterError
        On a missing file, a wrong header, a wrong field count or a non-integer day.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise RosterError(f"{p}: cannot read ({e.strerror or e})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(c.strip() for c in rows[0]) != HEADER:
        found = ",".join(rows[0]) if rows else "an empty file"
        raise RosterError(f"{p}, line 1: expected the header {','.join(HEADER)}, found {found!r}")
    out: list[tuple[str, int, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) != 3:
            raise RosterError(f"{p}, line {number}: expected 3 fields (employee,day,shift), found {len(row)}")
        e, d, s = (c.strip() for c in row)
        try:
            day = int(d)
        except ValueError:
            raise RosterError(f"{p}, line {number}: day must be an integer, found {d!r}") from None
        out.append((e, day, s))
    return tuple(out)
