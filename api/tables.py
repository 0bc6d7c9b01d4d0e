"""SQLModel tables: the database shape of the domain, plans, solve jobs and users.

Tables are not the domain types (``planner.domain``) nor the API schemas
(``api.schemas``); ``api.mapping`` converts between them. Sets and small nested
values (skills, trained clients, service windows) are JSON columns: they are always
read and written with their owner. Datetimes are stored in UTC (``UTCDateTime``)
because SQLite keeps no offset.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Index, Integer, TypeDecorator
from sqlmodel import Field, SQLModel

from planner.domain import Contract


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as naive UTC, read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value} cannot be stored (time zone needed)")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _json(**kw: Any) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=kw.get("nullable", True)))


def _utc(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class TeamOwned:
    """A row that belongs to one team (``team_id``): see :mod:`api.teams`, which scopes
    every query of a request's session to the caller's team and stamps new rows.

    Each subclass declares its own ``team_id`` column (:func:`_team`)."""


def _team(primary_key: bool = False) -> Any:
    """The ``team_id`` column: indexed, NOT NULL, deleted with its team."""
    return Field(default=None, sa_column=Column(
        Integer, ForeignKey("team.id", ondelete="CASCADE"), nullable=False,
        primary_key=primary_key, index=True))


# --- teams ----------------------------------------------------------------------


class TeamRow(SQLModel, table=True):
    """A team: one planned roster (its scenario, plans, jobs) and its members."""

    __tablename__ = "team"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True)
    """The name the API (``X-Rota-Team``) and the CLI (``--team``) use."""
    name: str = ""
    created_at: dt.datetime = _utc(nullable=False)


# --- domain -------------------------------------------------------------------


class ScenarioRow(SQLModel, TeamOwned, table=True):
    """A team's scenario: name, horizon, rule settings (one per team)."""

    __tablename__ = "scenario"
    team_id: int = _team(primary_key=True)
    name: str = ""
    horizon_start: dt.date
    horizon_days: int
    rules: dict = _json()


class SkillRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "skill"
    team_id: int = _team(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    """Position in the scenario (files list entities in a meaningful order)."""
    name: str = ""


class ContractRow(SQLModel, TeamOwned, table=True):
    """A contract: its rule parameters in one JSON column (``params``).

    The parameters are those :class:`planner.domain.Contract` declares; a new one
    needs no new column nor migration. Each reads and writes as an attribute
    (``row.max_weekends``) and ``model_dump()`` gives them flat, as the API shows them.
    """

    __tablename__ = "contract"
    team_id: int = _team(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    """Position in the scenario (files list entities in a meaningful order)."""
    name: str = ""
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

    def model_dump(self, **kw: Any) -> dict[str, Any]:  # type: ignore[override]
        data = super().model_dump(**kw)
        params = data.pop("params", None) or {}
        return {**data, **params}


def _param(name: str) -> property:
    def get(row: ContractRow) -> Any:
        return (row.params or {}).get(name)

    def set_(row: ContractRow, value: Any) -> None:
        row.params = {**(row.params or {}), name: value}  # a new dict: the change is seen

    return property(get, set_, doc=f"The contract parameter ``{name}``.")


for _name in Contract.parameters():
    setattr(ContractRow, _name, _param(_name))


class TechnicianRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "technician"
    team_id: int = _team(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    """Position in the scenario (files list entities in a meaningful order)."""
    name: str = ""
    email: str = ""
    phone: str = Field(default="", sa_column_kwargs={"server_default": ""})
    country: str = ""
    contract: str = Field(index=True)
    skills: list = _json()
    clients: list = _json()
    roles: list = _json()
    oncall: bool = False
    site: str = ""
    timezone: str = "Europe/Brussels"


class ClientRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "client"
    team_id: int = _team(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    """Position in the scenario (files list entities in a meaningful order)."""
    name: str = ""
    country: str = ""
    timezone: str = "Europe/Brussels"
    tier: int = 2
    covers_public_holidays: bool = False
    service_windows: list = _json()


class ShiftTypeRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "shift_type"
    team_id: int = _team(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    """Position in the scenario (files list entities in a meaningful order)."""
    name: str = ""
    start: dt.time
    end: dt.time
    paid_minutes: int | None = None
    night: bool | None = None


class CoverageRuleRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "coverage_rule"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    client: str = Field(index=True)
    shift: str
    skill: str = ""
    required: int
    weekdays: list | None = _json()
    date: dt.date | None = None
    under_weight: int | None = None
    over_weight: int | None = None


class RotationRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "oncall_rotation"
    team_id: int = _team(primary_key=True)
    id: str = Field(primary_key=True)
    seq: int = 0
    """Position in the scenario (files list entities in a meaningful order)."""
    name: str = ""
    clients: list = _json()
    handover_weekday: int = 0
    handover_time: dt.time = dt.time(8, 0)
    period_days: int = 7
    backup: bool = True
    skill: str = ""
    timezone: str = "Europe/Brussels"


class ApprovalStatus(StrEnum):
    """Absences and requests a technician declares wait for a manager's approval."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class AbsenceRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "absence"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    technician: str = Field(index=True)
    start: dt.date
    end: dt.date
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    kind: str = "planned"
    reason: str = ""
    status: str = ApprovalStatus.approved.value


class PeakRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "peak"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    client: str = Field(index=True)
    start: dt.date
    end: dt.date
    extra: int
    shift: str = ""
    skill: str = ""
    reason: str = ""


class RequestRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "request"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    technician: str = Field(index=True)
    date: dt.date
    shift: str = ""
    work: bool
    weight: int = 1
    status: str = ApprovalStatus.approved.value


class FixedAssignmentRow(SQLModel, TeamOwned, table=True):
    """A scenario's history (``kind='history'``) and fixed (``kind='fixed'``) shifts."""

    __tablename__ = "scenario_assignment"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    kind: str = Field(index=True)
    technician: str
    date: dt.date
    shift: str
    client: str
    skill: str = ""
    start: dt.datetime = _utc(nullable=False)
    end: dt.datetime = _utc(nullable=False)


# --- plans --------------------------------------------------------------------


class PlanStatus(StrEnum):
    draft = "draft"
    published = "published"
    superseded = "superseded"


class PlanRow(SQLModel, TeamOwned, table=True):
    """A plan version and the figures of the solve and check that produced it."""

    __tablename__ = "plan"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    name: str = ""
    status: str = Field(default=PlanStatus.draft.value, index=True)
    horizon_start: dt.date
    horizon_days: int
    job_id: int | None = None
    created_by: int | None = None
    created_at: dt.datetime = _utc(nullable=False)
    published_by: int | None = None
    published_at: dt.datetime | None = _utc()
    options: dict = _json()
    solver_status: str = ""
    objective: float | None = None
    best_bound: float | None = None
    checked_objective: float | None = None
    wall_seconds: float | None = None
    penalties: dict = _json()
    violations: list = _json()
    fairness: list = _json()
    coverage: list = _json()


class PlanAssignmentRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "plan_assignment"
    __table_args__ = (Index("ix_plan_assignment_plan_tech_date", "plan_id", "technician", "date"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    plan_id: int = Field(
        sa_column=Column(Integer, ForeignKey("plan.id", ondelete="CASCADE"), nullable=False)
    )
    technician: str
    date: dt.date
    shift: str
    client: str
    skill: str = ""
    start: dt.datetime = _utc(nullable=False)
    end: dt.datetime = _utc(nullable=False)


class PlanOnCallRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "plan_oncall"
    __table_args__ = (Index("ix_plan_oncall_plan_tech", "plan_id", "technician"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    plan_id: int = Field(
        sa_column=Column(Integer, ForeignKey("plan.id", ondelete="CASCADE"), nullable=False)
    )
    technician: str
    rotation: str
    role: str
    start: dt.datetime = _utc(nullable=False)
    end: dt.datetime = _utc(nullable=False)


# --- solve jobs -----------------------------------------------------------------


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


UNFINISHED = (JobStatus.queued.value, JobStatus.running.value)


class SolveJobRow(SQLModel, TeamOwned, table=True):
    __tablename__ = "solve_job"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    status: str = Field(default=JobStatus.queued.value, index=True)
    name: str = ""
    horizon_start: dt.date
    horizon_days: int
    options: dict = _json()
    created_by: int | None = None
    created_at: dt.datetime = _utc(nullable=False)
    started_at: dt.datetime | None = _utc()
    finished_at: dt.datetime | None = _utc()
    cancel_requested: bool = False
    worker_pid: int | None = None
    elapsed: float | None = None
    objective: float | None = None
    bound: float | None = None
    error: str = ""
    plan_id: int | None = None
    # distributed solve jobs (api/job_claim.py): the scenario the job solves (its team,
    # ``team_id``, is the key of the per-team solve limit), the claim held by a worker
    # and the lease it renews while it runs
    payload: dict | None = Field(default=None,
                                 sa_column=Column(JSON(none_as_null=True), nullable=True))
    """The scenario to solve (JSON), for workers outside the API process; SQL NULL until
    stored (a job without it cannot be claimed by them)."""
    worker: str = ""
    """The claim holding a running job: ``host:pid:nonce`` of the worker process."""
    attempts: int = 0
    lease_expires_at: dt.datetime | None = _utc()


# --- users ----------------------------------------------------------------------


class UserRole(StrEnum):
    manager = "manager"
    coordinator = "coordinator"
    technician = "technician"


class UserRow(SQLModel, table=True):
    """A person's account (log-in, calendar secret). What they may do is per team:
    :class:`MembershipRow`."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True)
    full_name: str = ""
    password_hash: str
    # the calendar-feed secret is shown once (POST /users/me/calendar); only its SHA-256
    # digest is kept, like bearer tokens. None: no calendar link yet.
    ical_digest: str | None = Field(default=None, index=True, unique=True)
    ical_created_at: dt.datetime | None = _utc()
    active: bool = True
    created_at: dt.datetime = _utc(nullable=False)


class MembershipRow(SQLModel, table=True):
    """A user's role in one team, and for a technician their technician id in that team.

    One account with technician memberships in several teams is one person shared by
    those teams (a floating backup): their published duties in one team are busy time
    when another plans (:mod:`api.busy`)."""

    __tablename__ = "team_member"
    __table_args__ = (Index("ix_team_member_team_technician", "team_id", "technician_id"),)
    user_id: int = Field(sa_column=Column(
        Integer, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True))
    team_id: int = Field(sa_column=Column(
        Integer, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True, index=True))
    role: str
    technician_id: str | None = None
    created_at: dt.datetime = _utc(nullable=False)


class TokenRow(SQLModel, table=True):
    """An issued bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "access_token"
    digest: str = Field(primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False)
    )
    expires_at: dt.datetime = _utc(nullable=False)


class ResponseStampRow(SQLModel, table=True):
    """One row whose ``version`` takes a new random value, by database triggers, in every
    transaction that changes what a published schedule or calendar feed shows (technicians,
    clients, rotations, plans and their rows): see :mod:`api.cache`."""

    __tablename__ = "response_stamp"
    id: int = Field(default=1, primary_key=True)
    version: int = Field(sa_column=Column(BigInteger, nullable=False))


# --- day two: swap proposals, reports of explain/robustness jobs (issue 11) --------


class SwapStatus(StrEnum):
    open = "open"
    approved = "approved"
    rejected = "rejected"
    invalid = "invalid"
    """Approval found it no longer holds against the current plan (``reason`` says why)."""


class SwapProposalRow(SQLModel, TeamOwned, table=True):
    """A technician's proposal to give away or exchange a duty or on-call role."""

    __tablename__ = "swap_proposal"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = _team()
    plan_id: int = Field(index=True)
    """The plan the proposal was made on."""
    status: str = Field(default=SwapStatus.open.value, index=True)
    technician: str = Field(index=True)
    to: str = Field(index=True)
    duty: dict = _json(nullable=False)
    take: dict | None = _json()
    verdict: dict = _json(nullable=False)
    """At proposal time: ok, violations, objective_delta, penalty_delta."""
    created_by: int | None = None
    created_at: dt.datetime = _utc(nullable=False)
    decided_by: int | None = None
    decided_at: dt.datetime | None = _utc()
    reason: str = ""
    draft_plan_id: int | None = None


class JobReportRow(SQLModel, TeamOwned, table=True):
    """The result of an explain or robustness job (the job's row holds its status)."""

    __tablename__ = "job_report"
    job_id: int = Field(primary_key=True)
    team_id: int = _team()
    plan_id: int = Field(index=True)
    kind: str
    body: dict = _json(nullable=False)
    created_at: dt.datetime = _utc(nullable=False)
