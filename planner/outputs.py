"""Plan folders: ``assignments.csv``, ``coverage.csv`` and ``summary.json``.

``assignments.csv`` has the columns ``technician,date,kind,shift,client,skill,start,end``:
``kind`` is ``shift``, ``oncall_primary`` or ``oncall_backup``; ``date`` is the duty's start
date; ``start``/``end`` are ISO 8601 datetimes with their UTC offset. An on-call period is
one row whose ``shift`` holds the rotation id and ``client`` the rotation's clients
(``;``-separated).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from pydantic import ValidationError

from planner.domain import Assignment, OnCallDuty, OnCallRole, Plan, Scenario
from planner.lint import scenario_warnings
from planner.scenario_io.errors import ScenarioError
from planner.scenario_io.text import read_text

ASSIGNMENT_COLUMNS = ["technician", "date", "kind", "shift", "client", "skill", "start", "end"]
COVERAGE_COLUMNS = ["client", "date", "shift", "skill", "required", "assigned", "shortfall"]


class PlanFileError(ValueError):
    """A plan folder cannot be read; the message names the file and line."""


def write_assignments(path: Path, scenario: Scenario, plan: Plan) -> None:
    rotations = {r.id: r for r in scenario.rotations}
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ASSIGNMENT_COLUMNS)
        for a in plan.assignments:
            w.writerow(
                [a.technician, a.date.isoformat(), "shift", a.shift, a.client, a.skill,
                 a.start.isoformat(), a.end.isoformat()]
            )
        for o in plan.oncall:
            rot = rotations.get(o.rotation)
            clients = ";".join(sorted(rot.clients)) if rot else ""
            w.writerow(
                [o.technician, o.start.date().isoformat(), f"oncall_{o.role.value}", o.rotation,
                 clients, rot.skill if rot else "", o.start.isoformat(), o.end.isoformat()]
            )


def write_coverage(path: Path, coverage) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COVERAGE_COLUMNS)
        for r in coverage:
            w.writerow([r.client, r.date.isoformat(), r.shift, r.skill, r.required, r.assigned,
                        r.shortfall])


def summary(outcome, options) -> dict:
    """The JSON-able summary of a planning run."""
    res, rep = outcome.result, outcome.report
    gap = None
    if res.objective is not None and res.best_bound is not None and res.objective > 0:
        gap = round(100 * (res.objective - res.best_bound) / res.objective, 3)
    return {
        "status": res.status,
        "objective": res.objective,
        "best_bound": res.best_bound,
        "bound_source": getattr(res, "bound_source", None),
        "gap_percent": gap,
        "solve_seconds": round(res.wall_seconds, 3),
        "first_solution_seconds": res.first_solution_seconds,
        "options": {"time_limit": options.time_limit, "workers": options.workers,
                    "seed": options.seed},
        "penalties": dict(res.penalties),
        "conflicts": list(res.conflicts),
        "checker": {
            "objective": rep.objective,
            "penalties": dict(rep.penalties),
            "hard_violations": len(rep.violations),
            "violations": [
                {"rule": v.rule, "technician": v.technician,
                 "date": v.date.isoformat() if v.date else None, "message": v.message}
                for v in rep.violations
            ],
        },
        "fairness": [
            {"tag": f.tag, "group": f.group, "spread": f.spread, "counts": dict(f.counts)}
            for f in rep.fairness
        ],
        "coverage": {
            "duties": len(rep.coverage),
            "required": sum(r.required for r in rep.coverage),
            "assigned": sum(min(r.assigned, r.required) for r in rep.coverage),
            "shortfall": sum(r.shortfall for r in rep.coverage),
        },
        "assignments": len(outcome.plan.assignments),
        "oncall": len(outcome.plan.oncall),
    }


def write_plan_folder(out: Path, scenario: Scenario, outcome, options) -> dict:
    """Write the three output files; returns the summary."""
    out.mkdir(parents=True, exist_ok=True)
    write_assignments(out / "assignments.csv", scenario, outcome.plan)
    write_coverage(out / "coverage.csv", outcome.report.coverage)
    data = summary(outcome, options)
    data["warnings"] = scenario_warnings(scenario)
    (out / "summary.json").write_text(json.dumps(data, indent=2, default=str) + "\n", "utf-8")
    return data


def _parse_dt(value: str, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise PlanFileError(f"{where}: {value!r} is not an ISO 8601 datetime") from None
    if moment.tzinfo is None:
        raise PlanFileError(f"{where}: {value!r} has no UTC offset")
    return moment


def read_plan(folder: Path) -> Plan:
    """Read ``assignments.csv`` of a plan folder back into a :class:`Plan`."""
    path = folder / "assignments.csv"
    if not path.is_file():
        raise PlanFileError(f"{path}: no such file")
    assignments, oncall = [], []
    try:  # UTF-8 without NUL, errors naming the line (as for scenario files)
        text = read_text(path, path.name)
    except ScenarioError as e:
        raise PlanFileError(str(e)) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        missing = [c for c in ASSIGNMENT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise PlanFileError(f"{path.name}, line 1: missing column(s) {', '.join(missing)}")
        line = 1  # the last line read whole (an unclosed quote opens on the next)
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}, line {line}"
            start = _parse_dt(row["start"], f"{where}, column 'start'")
            end = _parse_dt(row["end"], f"{where}, column 'end'")
            kind = row["kind"]
            try:
                day = dt.date.fromisoformat(row["date"])
            except ValueError:
                raise PlanFileError(f"{where}, column 'date': {row['date']!r} is not a date") from None
            try:
                if kind == "shift":
                    assignments.append(Assignment(
                        technician=row["technician"], date=day, shift=row["shift"],
                        client=row["client"], skill=row["skill"], start=start, end=end))
                elif kind in ("oncall_primary", "oncall_backup"):
                    oncall.append(OnCallDuty(
                        technician=row["technician"], rotation=row["shift"],
                        role=OnCallRole(kind.removeprefix("oncall_")), start=start, end=end))
                else:
                    raise PlanFileError(f"{where}, column 'kind': {kind!r} is not shift, "
                                        "oncall_primary or oncall_backup")
            except ValidationError as exc:  # a date in year 9999, an id holding ';', ...
                e = exc.errors()[0]
                column = {"rotation": "shift"}.get(str(e["loc"][0]), e["loc"][0]) \
                    if e["loc"] else "?"
                raise PlanFileError(f"{where}, column {column!r}: "
                                    f"{e['msg'].removeprefix('Value error, ')}") from None
    except csv.Error as e:
        opened = "quoted cell is never closed" if "end of data" in str(e) else str(e)
        raise PlanFileError(f"{path.name}, line {line + 1}: bad CSV: {opened}") from None
    return Plan(assignments=tuple(assignments), oncall=tuple(oncall))
