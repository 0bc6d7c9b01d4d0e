"""Column layout of every CSV file of a scenario folder.

One :class:`Table` per file: its columns (domain field, parser, formatter, whether
required) and the domain type each row becomes. The loader and the saver both read
these specs, so a column is declared once.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, Callable

from planner import domain as d
from planner.scenario_io import cells as c


@dataclass(frozen=True)
class Column:
    """One CSV column: the domain field it fills, how to parse and print a cell."""

    name: str
    parse: Callable[[str], Any] = c.parse_str
    fmt: Callable[[Any], str] = str
    required: bool = False
    """A value must be given (the column must exist and the cell be non-empty)."""
    nullable: bool = False
    """The field accepts None; ``none`` in a cell means None when the default is not None."""
    field: str = ""

    @property
    def attr(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class Table:
    file: str
    model: type
    scenario_field: str
    columns: tuple[Column, ...]
    required_file: bool = False
    id_column: str | None = None
    extra: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return next(col for col in self.columns if col.name == name)

    def by_attr(self, attr: str) -> Column | None:
        return next((col for col in self.columns if col.attr == attr), None)


def _int(name: str, required: bool = False, nullable: bool = False) -> Column:
    return Column(name, c.parse_int, str, required=required, nullable=nullable)


def _float(name: str, nullable: bool = False) -> Column:
    return Column(name, c.parse_float, c.fmt_float, nullable=nullable)


def _bool(name: str) -> Column:
    return Column(name, c.parse_bool, c.fmt_bool)


def _date(name: str, required: bool = True) -> Column:
    return Column(name, c.parse_date, str, required=required, nullable=not required)


def _time(name: str, required: bool = False, nullable: bool = False) -> Column:
    return Column(name, c.parse_time, c.fmt_time, required=required, nullable=nullable)


def _list(name: str, **kw) -> Column:
    return Column(name, c.parse_list, c.fmt_list, **kw)


ID = Column("id", required=True)

SKILLS = Table("skills.csv", d.Skill, "skills", (ID, Column("name")), id_column="id")


def _param_column(name: str, annotation: Any) -> Column:
    """The CSV column of a contract parameter, from its domain type."""
    args = typing.get_args(annotation)
    nullable = type(None) in args
    base = next((a for a in args if a is not type(None)), annotation) if nullable else annotation
    while typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if base is bool:
        return _bool(name)
    if base is int:
        return _int(name, nullable=nullable)
    if base is float:
        return _float(name, nullable=nullable)
    if typing.get_origin(base) is dict:
        return Column(name, c.parse_limits, c.fmt_limits)
    raise TypeError(f"contract parameter {name}: no CSV column for type {annotation!r}")


CONTRACTS = Table("contracts.csv", d.Contract, "contracts", (
    ID, Column("name"),
    *(_param_column(k, d.Contract.model_fields[k].annotation) for k in d.Contract.parameters()),
), required_file=True, id_column="id")
"""One column per parameter of :class:`planner.domain.Contract`, in its order."""

TECHNICIANS = Table("technicians.csv", d.Technician, "technicians", (
    ID, Column("name"), Column("email"), Column("phone"), Column("country"),
    Column("contract", required=True),
    _list("skills"), _list("clients"), _list("roles"),
    _bool("oncall"), Column("site"), Column("timezone"),
), required_file=True, id_column="id")

CLIENTS = Table("clients.csv", d.Client, "clients", (
    ID, Column("name"), Column("country"), Column("timezone"),
    _int("tier"), _bool("covers_public_holidays"),
    Column("service_windows", c.parse_windows, c.fmt_windows),
), required_file=True, id_column="id")

SHIFT_TYPES = Table("shift_types.csv", d.ShiftType, "shift_types", (
    ID, Column("name"),
    _time("start", required=True), _time("end", required=True),
    _int("paid_minutes", nullable=True),
    Column("night", c.parse_bool, c.fmt_bool, nullable=True),
), required_file=True, id_column="id")

COVERAGE = Table("coverage.csv", d.CoverageRule, "coverage", (
    Column("client", required=True), Column("shift", required=True), Column("skill"),
    _int("required", required=True),
    Column("weekdays", c.parse_weekday_set, c.fmt_weekday_set, nullable=True),
    _date("date", required=False),
    _int("under_weight", nullable=True), _int("over_weight", nullable=True),
))

ROTATIONS = Table("oncall_rotations.csv", d.OnCallRotation, "rotations", (
    ID, Column("name"), _list("clients", required=True),
    Column("handover_weekday", c.parse_weekday, c.fmt_weekday),
    _time("handover_time"), _int("period_days"), _bool("backup"),
    Column("skill"), Column("timezone"),
), id_column="id")

ABSENCES = Table("absences.csv", d.Absence, "absences", (
    Column("technician", required=True), _date("start"), _date("end"),
    _time("start_time", nullable=True), _time("end_time", nullable=True),
    Column("kind"), Column("reason"), Column("status"),
))

PEAKS = Table("peaks.csv", d.Peak, "peaks", (
    Column("client", required=True), _date("start"), _date("end"),
    _int("extra", required=True), Column("shift"), Column("skill"), Column("reason"),
))

REQUESTS = Table("requests.csv", d.Request, "requests", (
    Column("technician", required=True), _date("date"), Column("shift"),
    Column("work", c.parse_bool, c.fmt_bool, required=True), _int("weight"), Column("status"),
))


def _assignments(file: str, scenario_field: str) -> Table:
    # start/end may be left empty: the loader derives them from the shift type
    return Table(file, d.Assignment, scenario_field, (
        Column("technician", required=True), _date("date"),
        Column("shift", required=True), Column("client", required=True), Column("skill"),
        Column("start", c.parse_datetime, c.fmt_datetime),
        Column("end", c.parse_datetime, c.fmt_datetime),
    ))


HISTORY = _assignments("history.csv", "history")
FIXED = _assignments("fixed.csv", "fixed")

BUSY = Table("busy.csv", d.BusyDuty, "busy", (
    Column("technician", required=True), _date("date"),
    # a date-time without offset is read in the technician's time zone
    Column("start", c.parse_datetime, c.fmt_datetime, required=True),
    Column("end", c.parse_datetime, c.fmt_datetime, required=True),
    _int("paid_minutes", nullable=True), _bool("night"), Column("label"),
))
"""Other teams' published duties of the scenario's technicians (busy time)."""

UNDECIDED = {"absences": "undecided_absences", "requests": "undecided_requests"}
"""Scenario fields whose pending and rejected rows sit in the same file (``status`` column)."""

TABLES: tuple[Table, ...] = (
    SKILLS, SHIFT_TYPES, CONTRACTS, CLIENTS, TECHNICIANS, COVERAGE, ROTATIONS,
    ABSENCES, PEAKS, REQUESTS, HISTORY, FIXED, BUSY,
)
