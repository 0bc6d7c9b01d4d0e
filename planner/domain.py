"""Rota's domain: technicians, clients, shifts, on-call, absences, peaks, requests.

Every type is immutable and validated at construction (pydantic, ``frozen=True``);
a validation error names the field and says what is wrong. Dates are local
calendar dates; times are local wall-clock times in the client's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planner.validation import (
    MAX_COUNT, MAX_FACTOR, MAX_HORIZON_DAYS, MAX_INT, Count, Country, Day, Hours, Id, Minutes,
    Moment, OptId, Phone, Text, Weight, Zone, check_date,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FAIRNESS_TAGS = ("night", "weekend", "holiday", "oncall")
"""The categories whose counts the fairness rules even out."""


class Frozen(BaseModel):
    # allow_inf_nan=False: NaN and inf are refused in every float field
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True,
                              allow_inf_nan=False)


class Role(StrEnum):
    helpdesk = "helpdesk"
    proximity = "proximity"
    operations = "operations"
    sysadmin = "sysadmin"
    network = "network"
    dba = "dba"
    backup = "backup"
    team_leader = "team_leader"
    rod = "rod"
    rot = "rot"
    sdm = "sdm"


class Skill(Frozen):
    """A named skill. Skills need no declaration (any text in a skills list is one); a
    row here gives one a display name, or keeps a skill nobody holds yet."""

    id: Id
    name: Text = ""


@dataclass(frozen=True)
class SolverParam:
    """Marks a :class:`Contract` field that reaches the solver as ``Person.params[key]``.

    ``key`` is a parameter name of ``solver/rules/catalog.py``; ``planner.compile`` converts
    the value once for all such fields: hours to whole minutes (``unit="minutes"``, rounded
    ``up`` for a minimum, ``down`` for a cap), counts as they are (``unit="count"``).
    """

    key: str
    unit: Literal["minutes", "count"] = "minutes"
    rounding: Literal["up", "down"] = "up"


class Contract(Frozen):
    """Working-time limits of a contract (hours; ``None`` = no limit).

    ``min_hours_per_week`` / ``max_hours_per_week_avg`` are averages over the
    horizon, pro-rated for absence days; ``max_hours_in_week`` is a hard cap in each
    calendar week (EU directive default 48). ``min_minutes_total`` and
    ``max_minutes_total`` are absolute horizon bounds that override the averages.
    ``shift_limits`` caps the number of shifts of a type (0 = may not work it).
    """

    # each field's description and example make its row of docs/scenario-format.md
    # (python -m planner.scenario_io.doc_tables)
    id: Id = Field(description="unique contract id", examples=["CDI-38"])
    name: Text = Field(default="", description="label", examples=["Temps plein 38 h"])
    min_hours_per_week: Hours | None = Field(
        default=None, description="minimum hours per week, averaged over the horizon", examples=[24])
    max_hours_per_week_avg: Hours | None = Field(
        default=None, description="maximum hours per week, averaged", examples=[38])
    max_hours_in_week: Hours | None = Field(
        default=48, description="hard cap in each calendar week", examples=[48])
    min_minutes_total: Minutes | None = Field(
        default=None, description="horizon minimum (overrides the average)", examples=[7200])
    max_minutes_total: Minutes | None = Field(
        default=None, description="horizon maximum (overrides the average)", examples=[9600])
    max_consecutive_days: int | None = Field(
        default=6, ge=1, le=MAX_HORIZON_DAYS, description="longest work run", examples=[5])
    min_consecutive_days: int | None = Field(
        default=None, ge=1, le=MAX_HORIZON_DAYS, description="shortest work run", examples=[2])
    min_consecutive_days_off: int | None = Field(
        default=None, ge=1, le=MAX_HORIZON_DAYS, description="shortest off run", examples=[2])
    max_weekends: int | None = Field(
        default=None, ge=0, le=MAX_HORIZON_DAYS,
        description="weekends with work in the horizon", examples=[3])
    shift_limits: dict[Id, Count] = Field(
        default_factory=dict, description="at most n shifts of the type (0 = never)",
        examples=[{"night": 0}])
    works_public_holidays: bool = Field(
        default=False, description="otherwise off on the public holidays of the person's country",
        examples=[True])
    min_weekly_rest_hours: Annotated[Hours | None, SolverParam("min_weekly_rest_minutes")] = Field(
        default=None, le=7 * 24, examples=[35],
        description="rest starting in each calendar week (rule `weekly_rest`; EU: 35)")

    @model_validator(mode="after")
    def _bounds(self) -> "Contract":
        if (
            self.min_minutes_total is not None
            and self.max_minutes_total is not None
            and self.min_minutes_total > self.max_minutes_total
        ):
            raise ValueError("min_minutes_total is above max_minutes_total")
        if (
            self.min_hours_per_week is not None
            and self.max_hours_per_week_avg is not None
            and self.min_hours_per_week > self.max_hours_per_week_avg
        ):
            raise ValueError("min_hours_per_week is above max_hours_per_week_avg")
        for k, v in self.shift_limits.items():
            if v < 0:
                raise ValueError(f"shift limit for {k!r} is negative")
        if (
            self.min_consecutive_days is not None
            and self.max_consecutive_days is not None
            and self.min_consecutive_days > self.max_consecutive_days
        ):
            raise ValueError("min_consecutive_days is above max_consecutive_days")
        return self

    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        """The rule parameters: every field but ``id`` and ``name``, in declaration order.

        This class is their one declaration (type, bounds, default): the scenario
        columns (``planner.scenario_io.tables``), the database row (``api.tables``) and
        the API schema (``api.schemas.domain``) are derived from it.
        """
        return tuple(k for k in cls.model_fields if k not in ("id", "name"))

    @classmethod
    def solver_parameters(cls) -> dict[str, "SolverParam"]:
        """Field name -> its :class:`SolverParam` mark, for the fields the solver reads generically."""
        return {k: m for k, f in cls.model_fields.items() for m in f.metadata
                if isinstance(m, SolverParam)}


class Technician(Frozen):
    """A technician: skills, client environments trained on, country, contract, roles."""

    id: Id
    name: Text = ""
    email: Text = ""
    phone: Phone = ""
    """Where to reach the person on call, in international form (+32 2 555 01 23); optional."""
    country: Country = ""
    """ISO 3166 code of the country whose public holidays the person observes ('' = none)."""
    contract: Id
    skills: frozenset[Id] = frozenset()
    clients: frozenset[Id] = frozenset()
    """Client environments the technician is trained on (habilité)."""
    roles: frozenset[Role] = frozenset()
    oncall: bool = False
    """Eligible for on-call duty."""
    site: Text = ""
    timezone: Zone = "Europe/Brussels"
    """Zone in which the technician's absences (dates, times) are read."""

    @property
    def is_backup(self) -> bool:
        return Role.backup in self.roles

    @model_validator(mode="after")
    def _backup_trained_twice(self) -> "Technician":
        if self.is_backup and len(self.clients) < 2:
            raise ValueError(
                f"backup technician {self.id} must be trained on at least two client "
                f"environments (trained on {len(self.clients)})"
            )
        return self


class ServiceWindow(Frozen):
    """Service hours of a client on one weekday (local time; end 00:00 = midnight)."""

    weekday: int = Field(ge=0, le=6)
    start: dt.time
    end: dt.time


class Client(Frozen):
    """A client environment under SLA."""

    id: Id
    name: Text = ""
    country: Country = ""
    timezone: Zone = "Europe/Brussels"
    tier: int = Field(default=2, ge=1, le=3)
    """SLA priority tier: 1 = most critical."""
    covers_public_holidays: bool = False
    """True if the SLA runs on the client's country's public holidays."""
    service_windows: tuple[ServiceWindow, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ShiftType(Frozen):
    """A shift type; it crosses midnight when ``end <= start``."""

    id: Id
    name: Text = ""
    start: dt.time
    end: dt.time
    paid_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    night: bool | None = None
    """Counts as a night shift for fairness; None = derived (covers 01:00-04:00)."""

    @model_validator(mode="after")
    def _nonzero(self) -> "ShiftType":
        if self.start == self.end:
            raise ValueError(f"shift type {self.id} has zero length (start = end)")
        return self

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def duration_minutes(self) -> int:
        s = self.start.hour * 60 + self.start.minute
        e = self.end.hour * 60 + self.end.minute
        return (e - s) % (24 * 60) or 24 * 60

    @property
    def minutes(self) -> int:
        return self.duration_minutes if self.paid_minutes is None else self.paid_minutes

    @property
    def is_night(self) -> bool:
        if self.night is not None:
            return self.night
        return self.crosses_midnight or self.start < dt.time(4, 0)


class CoverageRule(Frozen):
    """How many people with ``skill`` a client needs on a shift.

    Applies on the given weekdays (default: every weekday the client has a service
    window) or, when ``date`` is set, on that date only (a dated rule replaces the
    weekday rules of the same client, shift and skill on that date).
    ``under_weight`` / ``over_weight`` override the tier-derived weights.
    """

    client: Id
    shift: Id
    skill: OptId = ""
    required: Count
    weekdays: frozenset[Annotated[int, Field(ge=0, le=6)]] | None = None
    date: Day | None = None
    under_weight: Weight | None = None
    over_weight: Weight | None = None


class OnCallRotation(Frozen):
    """An on-call rotation for a client or a pool of clients."""

    id: Id
    name: Text = ""
    clients: frozenset[Id] = Field(min_length=1)
    handover_weekday: int = Field(default=0, ge=0, le=6)
    handover_time: dt.time = dt.time(8, 0)
    period_days: int = Field(default=7, ge=1, le=366)
    backup: bool = True
    skill: OptId = ""
    timezone: Zone = "Europe/Brussels"


class AbsenceKind(StrEnum):
    planned = "planned"
    unplanned = "unplanned"


class Approval(StrEnum):
    """Where a technician's absence or request stands; only approved ones are planned."""

    approved = "approved"
    pending = "pending"
    rejected = "rejected"


class Absence(Frozen):
    """An absence; whole days when ``start_time``/``end_time`` are None (end inclusive)."""

    technician: Id
    start: Day
    end: Day
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    """00:00 (also written 24:00) as an end means midnight at the end of ``end``."""
    kind: AbsenceKind = AbsenceKind.planned
    reason: Text = ""
    status: Approval = Approval.approved

    @model_validator(mode="after")
    def _order(self) -> "Absence":
        if self.end < self.start:
            raise ValueError(f"absence ends ({self.end}) before it starts ({self.start})")
        if (
            self.end == self.start
            and self.start_time is not None
            and self.end_time is not None
            and self.end_time != dt.time(0)  # midnight ends the day
            and self.end_time <= self.start_time
        ):
            raise ValueError("absence ends before it starts")
        return self


class Peak(Frozen):
    """An activity peak: ``extra`` people on a client's shifts over a date range."""

    client: Id
    start: Day
    end: Day
    extra: int = Field(ge=1, le=MAX_COUNT)
    shift: OptId = ""
    """'' = every shift of the client."""
    skill: OptId = ""
    """'' = every skill of the client's coverage rules."""
    reason: Text = ""

    @model_validator(mode="after")
    def _order(self) -> "Peak":
        if self.end < self.start:
            raise ValueError(f"peak ends ({self.end}) before it starts ({self.start})")
        return self


class Request(Frozen):
    """A wish to work (``work=True``) or to be off, on a date, for one shift or any."""

    technician: Id
    date: Day
    shift: OptId = ""
    work: bool
    weight: Weight = 1
    status: Approval = Approval.approved


class RuleSettings(Frozen):
    """Global rule parameters and soft-rule weights (the settings file)."""

    min_rest_hours: float = Field(default=11, ge=0, le=168)
    forbidden_successions: frozenset[tuple[Id, Id]] = frozenset()
    oncall_min_gap: int = Field(default=1, ge=0, le=366)
    tier_weights: dict[Annotated[int, Field(ge=1, le=3)], Weight] = Field(
        default_factory=lambda: {1: 100, 2: 50, 3: 20})
    """Weight per missing person on a duty, by client SLA tier."""
    over_weight: Weight = 1
    peak_weight_factor: float = Field(default=0.5, ge=0, le=MAX_FACTOR)
    """A peak's missing person costs this fraction of the tier weight."""
    oncall_unfilled_weight: Weight = 500
    fairness_weights: dict[str, Weight] = Field(
        default_factory=lambda: {"night": 4, "weekend": 4, "holiday": 4, "oncall": 6}
    )
    continuity_weight: Weight = 1
    backup_use_weight: Weight = 2

    @field_validator("fairness_weights")
    @classmethod
    def _fairness_tags(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(FAIRNESS_TAGS))
        if unknown:  # a misspelt tag would silently weigh nothing
            raise ValueError(f"unknown fairness categories {', '.join(map(repr, unknown))} "
                             f"(known: {', '.join(FAIRNESS_TAGS)})")
        return value
    exempt_horizon_edges: bool = True
    """Blocks touching day 0 (without history) or the last day are exempt from minimum-length rules."""


class Horizon(Frozen):
    start: Day
    days: int = Field(ge=1, le=MAX_HORIZON_DAYS)

    @model_validator(mode="after")
    def _last_day(self) -> "Horizon":
        check_date(self.end)  # the last day too lies in the supported years
        return self

    @property
    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    @property
    def end(self) -> dt.date:
        """Last date of the horizon (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)


class Assignment(Frozen):
    """A shift worked by a technician for a client with a skill."""

    technician: Id
    date: Day
    shift: Id
    client: Id
    skill: OptId = ""
    start: Moment
    end: Moment

    @model_validator(mode="after")
    def _order(self) -> "Assignment":
        if (self.start.tzinfo is None) != (self.end.tzinfo is None):
            raise ValueError("give both start and end with a UTC offset, or neither")
        if self.end <= self.start:
            raise ValueError(f"ends ({self.end.isoformat()}) before it starts "
                             f"({self.start.isoformat()})")
        return self


class BusyDuty(Frozen):
    """A duty the technician holds in another team's published plan.

    Teams plan separately, but a person works for all of them: the rules that are about a
    person (rest, one shift per day, weekly and contract hours, consecutive days, absences)
    see these as busy, worked time. They are never re-planned and never cover this team's
    clients. ``technician`` is this scenario's technician id of the shared person.
    """

    technician: Id
    date: Day
    start: Moment
    end: Moment
    paid_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    """Worked minutes counted towards hours limits; None: ``end - start``."""
    night: bool = False
    label: Text = ""
    """Where the duty comes from, for messages (e.g. ``"pilotage: N acme"``)."""

    @model_validator(mode="after")
    def _order(self) -> "BusyDuty":
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("busy duty: start and end need a UTC offset (e.g. +02:00)")
        if self.end <= self.start:
            raise ValueError(f"busy duty ends ({self.end.isoformat()}) before it starts "
                             f"({self.start.isoformat()})")
        return self


class OnCallRole(StrEnum):
    primary = "primary"
    backup = "backup"


class OnCallDuty(Frozen):
    """One on-call period held by a technician."""

    technician: str
    rotation: str
    role: OnCallRole
    start: dt.datetime
    end: dt.datetime


class Plan(Frozen):
    assignments: tuple[Assignment, ...] = ()
    oncall: tuple[OnCallDuty, ...] = ()


class Baseline(Frozen):
    """A published plan that a re-plan repairs, and what changing it costs.

    Rules ``plan_stability`` (soft) and ``replan_limits`` (hard) of docs/rules.md read it:
    a duty starting before ``now + frozen_hours`` keeps its people; every other change
    costs ``near_change_weight`` when the duty starts within ``near_days`` days of
    ``now``, else ``change_weight``; an added duty of a backup technician costs
    ``backup_change_weight``; at most ``max_changes`` changes (None = no budget).
    """

    plan: Plan
    now: Moment  # bounded years: 9999-12-31 + frozen hours overflowed
    frozen_hours: Hours = 48
    max_changes: int | None = Field(default=None, ge=0, le=MAX_INT)
    # below the cheapest coverage unit (a tier-3 peak person, 10 by default) so that a gap
    # is always filled when one addition can, above a fairness step so nobody moves for it
    change_weight: int = Field(default=4, ge=0)
    near_change_weight: int = Field(default=8, ge=0)
    near_days: int = Field(default=7, ge=0)
    backup_change_weight: int = Field(default=1, ge=0)

    @field_validator("now")
    @classmethod
    def _aware(cls, v: dt.datetime) -> dt.datetime:
        if v.tzinfo is None:
            raise ValueError("now must carry a UTC offset (e.g. 2027-07-12T08:00:00+02:00)")
        return v


class Scenario(Frozen):
    """Everything needed to plan one horizon."""

    name: Text = ""
    horizon: Horizon
    rules: RuleSettings = RuleSettings()
    skills: tuple[Skill, ...] = ()
    """Named or not yet used skills (optional: skills used elsewhere need no row)."""
    contracts: tuple[Contract, ...] = ()
    technicians: tuple[Technician, ...] = ()
    clients: tuple[Client, ...] = ()
    shift_types: tuple[ShiftType, ...] = ()
    coverage: tuple[CoverageRule, ...] = ()
    rotations: tuple[OnCallRotation, ...] = ()
    absences: tuple[Absence, ...] = ()
    peaks: tuple[Peak, ...] = ()
    requests: tuple[Request, ...] = ()
    history: tuple[Assignment, ...] = ()
    """Shifts worked before the horizon start (for rest and consecutive-day rules)."""
    fixed: tuple[Assignment, ...] = ()
    """Assignments the plan must keep."""
    undecided_absences: tuple[Absence, ...] = ()
    """Absences pending or rejected: kept (export, import), never planned."""
    undecided_requests: tuple[Request, ...] = ()
    """Requests pending or rejected: kept (export, import), never planned."""
    busy: tuple[BusyDuty, ...] = ()
    """Duties the scenario's technicians hold in other teams' published plans (busy time)."""
    baseline: Baseline | None = None
    """A re-plan: the published plan to stay close to (see :class:`Baseline`)."""

    @model_validator(mode="after")
    def _references(self) -> "Scenario":
        def unique(kind: str, ids: list[str]) -> set[str]:
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    raise ValueError(f"duplicate {kind} id {i!r}")
                seen.add(i)
            return seen

        unique("skill", [k.id for k in self.skills])
        contracts = unique("contract", [c.id for c in self.contracts])
        techs = unique("technician", [t.id for t in self.technicians])
        clients = unique("client", [c.id for c in self.clients])
        shifts = unique("shift type", [s.id for s in self.shift_types])
        unique("rotation", [r.id for r in self.rotations])
        for t in self.technicians:
            if t.contract not in contracts:
                raise ValueError(f"technician {t.id}: unknown contract {t.contract!r}")
            for c in sorted(t.clients - clients):
                raise ValueError(f"technician {t.id}: unknown client {c!r}")
        for c in self.contracts:
            for s in c.shift_limits:
                if s not in shifts:
                    raise ValueError(f"contract {c.id}: unknown shift type {s!r}")
        for r in self.coverage:
            if r.client not in clients:
                raise ValueError(f"coverage: unknown client {r.client!r}")
            if r.shift not in shifts:
                raise ValueError(f"coverage: unknown shift type {r.shift!r}")
        for r in self.rotations:
            for c in sorted(r.clients - clients):
                raise ValueError(f"rotation {r.id}: unknown client {c!r}")
        for kind, items, approved in (("absence", self.absences, True),
                                      ("request", self.requests, True),
                                      ("absence", self.undecided_absences, False),
                                      ("request", self.undecided_requests, False)):
            for x in items:
                if (x.status == Approval.approved) != approved:
                    where = "undecided_" if approved is False else ""
                    raise ValueError(f"{where}{kind}s holds a {x.status} {kind} of {x.technician}")
                if x.technician not in techs:
                    raise ValueError(f"{kind}: unknown technician {x.technician!r}")
        for p in self.peaks:
            if p.client not in clients:
                raise ValueError(f"peak: unknown client {p.client!r}")
            if p.shift and p.shift not in shifts:
                raise ValueError(f"peak: unknown shift type {p.shift!r}")
        for q in self.requests:
            if q.technician not in techs:
                raise ValueError(f"request: unknown technician {q.technician!r}")
            if q.shift and q.shift not in shifts:
                raise ValueError(f"request: unknown shift type {q.shift!r}")
        for a in (*self.history, *self.fixed):
            if a.technician not in techs:
                raise ValueError(f"assignment: unknown technician {a.technician!r}")
            if a.start.tzinfo is None:  # a plan may hold naive times (the checker flags them)
                raise ValueError(f"assignment of {a.technician} on {a.date}: start and end "
                                 "need a UTC offset (e.g. +02:00)")
        for b in self.busy:
            if b.technician not in techs:
                raise ValueError(f"busy duty: unknown technician {b.technician!r}")
        for (a, b) in self.rules.forbidden_successions:
            for s in (a, b):
                if s not in shifts:
                    raise ValueError(f"forbidden succession: unknown shift type {s!r}")
        return self

    # lookups -----------------------------------------------------------------
    def technician(self, tid: str) -> Technician:
        return next(t for t in self.technicians if t.id == tid)

    def client(self, cid: str) -> Client:
        return next(c for c in self.clients if c.id == cid)

    def shift_type(self, sid: str) -> ShiftType:
        return next(s for s in self.shift_types if s.id == sid)

    def contract(self, cid: str) -> Contract:
        return next(c for c in self.contracts if c.id == cid)
