"""Rota's domain: technicians, clients, shifts, on-call, absences, peaks, requests.

Every type is immutable and validated at construction (pydantic, ``frozen=True``);
a validation error names the field and says what is wrong. Dates are local
calendar dates; times are local wall-clock times in the client's time zone.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


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


class Contract(Frozen):
    """Working-time limits of a contract (hours; ``None`` = no limit).

    ``min_hours_per_week`` / ``max_hours_per_week_avg`` are averages over the
    horizon, pro-rated for absence days; ``max_hours_in_week`` is a hard cap in each
    calendar week (EU directive default 48). ``min_minutes_total`` and
    ``max_minutes_total`` are absolute horizon bounds that override the averages.
    ``shift_limits`` caps the number of shifts of a type (0 = may not work it).
    """

    id: str = Field(min_length=1)
    name: str = ""
    min_hours_per_week: float | None = Field(default=None, ge=0)
    max_hours_per_week_avg: float | None = Field(default=None, ge=0)
    max_hours_in_week: float | None = Field(default=48, ge=0)
    min_minutes_total: int | None = Field(default=None, ge=0)
    max_minutes_total: int | None = Field(default=None, ge=0)
    max_consecutive_days: int | None = Field(default=6, ge=1)
    min_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days_off: int | None = Field(default=None, ge=1)
    max_weekends: int | None = Field(default=None, ge=0)
    shift_limits: dict[str, int] = Field(default_factory=dict)
    works_public_holidays: bool = False
    """False: the technician is unavailable on public holidays of their own country."""

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
        return self


class Technician(Frozen):
    """A technician: skills, client environments trained on, country, contract, roles."""

    id: str = Field(min_length=1)
    name: str = ""
    email: str = ""
    country: str = ""
    """ISO 3166 code of the country whose public holidays the person observes ('' = none)."""
    contract: str = Field(min_length=1)
    skills: frozenset[str] = frozenset()
    clients: frozenset[str] = frozenset()
    """Client environments the technician is trained on (habilité)."""
    roles: frozenset[Role] = frozenset()
    oncall: bool = False
    """Eligible for on-call duty."""
    site: str = ""
    timezone: str = "Europe/Brussels"
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

    id: str = Field(min_length=1)
    name: str = ""
    country: str = ""
    timezone: str = "Europe/Brussels"
    tier: int = Field(default=2, ge=1, le=3)
    """SLA priority tier: 1 = most critical."""
    covers_public_holidays: bool = False
    """True if the SLA runs on the client's country's public holidays."""
    service_windows: tuple[ServiceWindow, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ShiftType(Frozen):
    """A shift type; it crosses midnight when ``end <= start``."""

    id: str = Field(min_length=1)
    name: str = ""
    start: dt.time
    end: dt.time
    paid_minutes: int | None = Field(default=None, ge=0)
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

    client: str = Field(min_length=1)
    shift: str = Field(min_length=1)
    skill: str = ""
    required: int = Field(ge=0)
    weekdays: frozenset[int] | None = None
    date: dt.date | None = None
    under_weight: int | None = Field(default=None, ge=0)
    over_weight: int | None = Field(default=None, ge=0)


class OnCallRotation(Frozen):
    """An on-call rotation for a client or a pool of clients."""

    id: str = Field(min_length=1)
    name: str = ""
    clients: frozenset[str] = Field(min_length=1)
    handover_weekday: int = Field(default=0, ge=0, le=6)
    handover_time: dt.time = dt.time(8, 0)
    period_days: int = Field(default=7, ge=1)
    backup: bool = True
    skill: str = ""
    timezone: str = "Europe/Brussels"


class AbsenceKind(StrEnum):
    planned = "planned"
    unplanned = "unplanned"


class Absence(Frozen):
    """An absence; whole days when ``start_time``/``end_time`` are None (end inclusive)."""

    technician: str = Field(min_length=1)
    start: dt.date
    end: dt.date
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    kind: AbsenceKind = AbsenceKind.planned
    reason: str = ""

    @model_validator(mode="after")
    def _order(self) -> "Absence":
        if self.end < self.start:
            raise ValueError(f"absence ends ({self.end}) before it starts ({self.start})")
        if (
            self.end == self.start
            and self.start_time is not None
            and self.end_time is not None
            and self.end_time <= self.start_time
        ):
            raise ValueError("absence ends before it starts")
        return self


class Peak(Frozen):
    """An activity peak: ``extra`` people on a client's shifts over a date range."""

    client: str = Field(min_length=1)
    start: dt.date
    end: dt.date
    extra: int = Field(ge=1)
    shift: str = ""
    """'' = every shift of the client."""
    skill: str = ""
    """'' = every skill of the client's coverage rules."""
    reason: str = ""

    @model_validator(mode="after")
    def _order(self) -> "Peak":
        if self.end < self.start:
            raise ValueError(f"peak ends ({self.end}) before it starts ({self.start})")
        return self


class Request(Frozen):
    """A wish to work (``work=True``) or to be off, on a date, for one shift or any."""

    technician: str = Field(min_length=1)
    date: dt.date
    shift: str = ""
    work: bool
    weight: int = Field(default=1, ge=0)


class RuleSettings(Frozen):
    """Global rule parameters and soft-rule weights (the settings file)."""

    min_rest_hours: float = Field(default=11, ge=0)
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()
    oncall_min_gap: int = Field(default=1, ge=0)
    tier_weights: dict[int, int] = Field(default_factory=lambda: {1: 100, 2: 50, 3: 20})
    """Weight per missing person on a duty, by client SLA tier."""
    over_weight: int = Field(default=1, ge=0)
    peak_weight_factor: float = Field(default=0.5, ge=0)
    """A peak's missing person costs this fraction of the tier weight."""
    oncall_unfilled_weight: int = Field(default=500, ge=0)
    fairness_weights: dict[str, int] = Field(
        default_factory=lambda: {"night": 4, "weekend": 4, "holiday": 4, "oncall": 6}
    )
    continuity_weight: int = Field(default=1, ge=0)
    backup_use_weight: int = Field(default=2, ge=0)
    exempt_horizon_edges: bool = True
    """Blocks touching day 0 (without history) or the last day are exempt from minimum-length rules."""


class Horizon(Frozen):
    start: dt.date
    days: int = Field(ge=1)

    @property
    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    @property
    def end(self) -> dt.date:
        """Last date of the horizon (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)


class Assignment(Frozen):
    """A shift worked by a technician for a client with a skill."""

    technician: str
    date: dt.date
    shift: str
    client: str
    skill: str = ""
    start: dt.datetime
    end: dt.datetime


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
    now: dt.datetime
    frozen_hours: float = Field(default=48, ge=0)
    max_changes: int | None = Field(default=None, ge=0)
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

    name: str = ""
    horizon: Horizon
    rules: RuleSettings = RuleSettings()
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
        for a in self.absences:
            if a.technician not in techs:
                raise ValueError(f"absence: unknown technician {a.technician!r}")
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
