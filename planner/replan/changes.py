"""Changes to a scenario after its plan was published (docs/changes-format.md).

A changes folder holds files with the scenario's own names and columns:
``absences.csv``, ``peaks.csv``, ``requests.csv``, ``coverage.csv`` (dated rules),
``fixed.csv``, ``busy.csv`` (a duty published in another team since) add rows;
``technicians.csv`` and ``contracts.csv`` add or replace rows by id (a technician
joining, a training or contract change); ``departures.csv``
(``technician,date[,reason]``) makes a technician leave from a date on; and
``settings.toml`` may override keys of ``[rules]`` and ``[weights]``. A single file
may be given instead of a folder. Errors name the file, line and column.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.domain import Absence, AbsenceKind, Scenario
from planner.scenario_io import tables as t
from planner.scenario_io.errors import ScenarioError
from planner.scenario_io.load import _build, _busy_zone, _check_references, _fill_times, _read_rows
from planner.scenario_io.settings import read_changed_settings
from planner.validation import check_date

APPENDED = (t.ABSENCES, t.PEAKS, t.REQUESTS, t.COVERAGE, t.FIXED, t.BUSY)
REPLACED = (t.CONTRACTS, t.TECHNICIANS)
DEPARTURES = t.Table("departures.csv", Absence, "absences", (
    t.Column("technician", required=True), t._date("date"), t.Column("reason"),
))
SETTINGS = "settings.toml"
FILES = tuple(x.file for x in REPLACED + APPENDED) + (DEPARTURES.file, SETTINGS)


def load_changes(base: Scenario, path: str | Path) -> tuple[Scenario, list[str]]:
    """Apply the changes at ``path`` (folder or one file) to ``base``.

    Returns
    -------
    tuple
        The changed scenario and one readable line per change applied.

    Raises
    ------
    ScenarioError
        On an unknown file, a malformed row (file, line, column named) or a changed
        scenario that is no longer consistent.
    """
    path = Path(path)
    if path.is_file():
        folder, only = path.parent, {path.name}
        if path.name not in FILES:
            raise ScenarioError(path.name, f"not a changes file (known: {', '.join(FILES)})")
    elif path.is_dir():
        folder, only = path, None
        known = set(FILES)
        for p in sorted(path.iterdir()):
            if p.name.startswith("."):
                continue
            if p.name not in known:
                raise ScenarioError(p.name, f"not a changes file (known: {', '.join(FILES)})")
            if not p.is_file():  # never skip a change silently
                raise ScenarioError(p.name, "is a folder (or not a regular file): expected a "
                                    "file")
    else:
        raise ScenarioError(str(path), "changes folder or file not found")

    def wanted(name: str) -> bool:
        return (only is None or name in only) and (folder / name).is_file()

    parts: dict[str, Any] = {f: tuple(getattr(base, f)) for f in
                             ("contracts", "technicians", "absences", "peaks", "requests",
                              "coverage", "fixed", "busy")}
    rules = base.rules
    notes: list[str] = []
    ids = _ids(base)
    for table in REPLACED + APPENDED:
        if not wanted(table.file):
            continue
        rows = _read_rows(folder, table)
        items = []
        for line, values in rows:
            _check_references(table, line, values, ids)
            if table.model is t.d.Assignment:
                _fill_times(table, line, values, {s.id: s for s in base.shift_types},
                            {c.id: c for c in base.clients})
            if table is t.BUSY:
                _busy_zone(table, line, values, {x.id: x for x in parts["technicians"]})
            items.append(_build(table, line, values))
        field = table.scenario_field
        if table in REPLACED:
            new = {i.id: i for i in items}
            old = [i for i in parts[field] if i.id not in new]
            for i in items:
                verb = "replaced" if any(o.id == i.id for o in parts[field]) else "added"
                notes.append(f"{table.file}: {verb} {i.id}")
            parts[field] = tuple(old) + tuple(items)
            ids[_KIND[table.file]] = {i.id for i in parts[field]}
        else:
            parts[field] = parts[field] + tuple(items)
            notes.extend(f"{table.file}: added {_describe(i)}" for i in items)
    if wanted(DEPARTURES.file):
        leaving = _departures(folder, base, ids)
        parts["absences"] = parts["absences"] + tuple(leaving)
        notes.extend(f"departures.csv: {a.technician} leaves on {a.start}" for a in leaving)
    if wanted(SETTINGS):
        rules, keys = _settings(folder / SETTINGS, base)
        notes.extend(f"settings.toml: {k}" for k in keys)
    try:
        changed = Scenario(**{**base.model_dump(exclude={"baseline"}), **parts,
                              "rules": rules.model_dump()})
    except ValidationError as exc:
        raise ScenarioError("changes", exc.errors()[0]["msg"].removeprefix("Value error, ")) \
            from None
    return changed, notes


_KIND = {"contracts.csv": "contract", "technicians.csv": "technician"}


def _ids(sc: Scenario) -> dict[str, set[str]]:
    return {
        "contract": {c.id for c in sc.contracts},
        "technician": {x.id for x in sc.technicians},
        "client": {c.id for c in sc.clients},
        "shift type": {s.id for s in sc.shift_types},
        "rotation": {r.id for r in sc.rotations},
    }


def _describe(item) -> str:
    if isinstance(item, Absence):
        return f"absence of {item.technician} {item.start}..{item.end}"
    if isinstance(item, t.d.BusyDuty):
        return f"busy duty of {item.technician} on {item.date} ({item.label or 'another team'})"
    name = type(item).__name__.lower()
    who = getattr(item, "technician", None) or getattr(item, "client", "")
    when = getattr(item, "date", None) or getattr(item, "start", None) or ""
    return f"{name} {who} {when}".strip()


def _departures(folder: Path, base: Scenario, ids) -> list[Absence]:
    out = []
    for line, values in _read_rows(folder, DEPARTURES):
        who = values["technician"]
        if who not in ids["technician"]:
            raise ScenarioError(DEPARTURES.file, f"unknown technician {who!r}", line=line,
                                column="technician")
        day: dt.date = values["date"]
        try:
            check_date(day)
            out.append(Absence(technician=who, start=day, end=max(base.horizon.end, day),
                               kind=AbsenceKind.unplanned,
                               reason=values.get("reason") or "left the team"))
        except (ValueError, ValidationError) as exc:
            msg = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            raise ScenarioError(DEPARTURES.file, msg.removeprefix("Value error, "), line=line,
                                column="date") from None
    return out


def change_warnings(base: Scenario, changed: Scenario) -> list[str]:
    """Warnings about changes that can have no effect: rows dated outside the horizon, and
    every warning of :func:`planner.lint.scenario_warnings` the changes brought in."""
    from planner.lint import scenario_warnings

    first, last = base.horizon.start, base.horizon.end
    out = [f"change: absence of {a.technician} {a.start}..{a.end} lies outside the horizon "
           f"({first} to {last}); it has no effect"
           for a in changed.absences[len(base.absences):] if a.end < first or a.start > last]
    before = set(scenario_warnings(base))
    out += [f"change: {w}" for w in scenario_warnings(changed) if w not in before]
    return out


def _settings(path: Path, base: Scenario):
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(SETTINGS, f"not valid TOML: {exc}") from None
    for key in data:
        if key not in ("rules", "weights"):
            raise ScenarioError(SETTINGS, "a change may only set [rules] and [weights] "
                                "(the horizon stays)", column=key)
    parsed, given = read_changed_settings(path)
    update = {attr: getattr(parsed, attr) for attr in given}
    return base.rules.model_copy(update=update), sorted(f"{k} = {v}" for k, v in update.items())


class ChangeError(ValueError):
    """A change given as data (API) is malformed; ``loc`` is the path to the bad value."""

    def __init__(self, loc: list, message: str) -> None:
        self.loc = loc
        self.message = message
        super().__init__(f"{'.'.join(map(str, loc))}: {message}")


_MODELS = {"absences": Absence, "peaks": t.d.Peak, "requests": t.d.Request,
           "coverage": t.d.CoverageRule, "fixed": t.d.Assignment, "busy": t.d.BusyDuty,
           "technicians": t.d.Technician, "contracts": t.d.Contract}
KEYS = tuple(_MODELS) + ("departures", "rules")


def changes_from_dict(base: Scenario, data: dict) -> tuple[Scenario, list[str]]:
    """Apply changes given as data: the keys of :data:`KEYS`, each a list of objects with
    the scenario's field names (``rules``: an object of settings fields to override;
    ``departures``: ``{technician, date, reason}``). Raises :class:`ChangeError`."""
    if not isinstance(data, dict):
        raise ChangeError([], "must be an object")
    parts: dict[str, Any] = {f: tuple(getattr(base, f)) for f in _MODELS}
    notes = []
    for key, value in data.items():
        if key not in KEYS:
            raise ChangeError([key], f"unknown kind of change (known: {', '.join(KEYS)})")
        if key == "rules":
            if not isinstance(value, dict):
                raise ChangeError([key], "must be an object of rule settings")
            try:
                rules = t.d.RuleSettings(**{**base.rules.model_dump(), **value})
            except ValidationError as exc:
                e = exc.errors()[0]
                raise ChangeError([key, *e["loc"]], e["msg"].removeprefix("Value error, ")) \
                    from None
            parts["rules"] = rules
            notes.extend(f"rules: {k} = {v}" for k, v in value.items())
            continue
        if not isinstance(value, list):
            raise ChangeError([key], "must be a list")
        items = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise ChangeError([key, i], "must be an object")
            try:
                if key == "departures":
                    extra = sorted(set(item) - {"technician", "date", "reason"})
                    if extra:  # like every other kind: an unknown field is an error
                        raise ChangeError([key, i, extra[0]], "unknown field (known: "
                                          "technician, date, reason)")
                    day = dt.date.fromisoformat(str(item.get("date", "")))
                    items.append(Absence(technician=item.get("technician", ""), start=day,
                                         end=max(day, base.horizon.end),
                                         kind=AbsenceKind.unplanned,
                                         reason=item.get("reason") or "left the team"))
                else:
                    items.append(_MODELS[key](**item))
            except ChangeError:
                raise
            except ValidationError as exc:
                e = exc.errors()[0]
                raise ChangeError([key, i, *e["loc"]], e["msg"].removeprefix("Value error, ")) \
                    from None
            except (TypeError, ValueError) as exc:
                raise ChangeError([key, i], str(exc)) from None
        if key in ("technicians", "contracts"):
            new = {x.id: x for x in items}
            parts[key] = tuple(x for x in parts[key] if x.id not in new) + tuple(items)
        else:
            target = "absences" if key == "departures" else key
            parts[target] = parts[target] + tuple(items)
        notes.extend(f"{key}: {_describe(x)}" for x in items)
    try:
        rules = parts.pop("rules", base.rules)
        changed = Scenario(**{**base.model_dump(exclude={"baseline"}), **parts,
                              "rules": rules.model_dump()})
    except ValidationError as exc:
        raise ChangeError([], exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    return changed, notes
