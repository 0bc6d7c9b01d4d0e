"""API schemas of solve jobs, plans, schedules, on-call and users."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from api.schemas.common import Day, Id, Schema, Text


class SolveRequest(Schema):
    """Start a solve. The horizon defaults to the stored scenario's."""

    name: Text = ""
    horizon_start: Day | None = None
    horizon_days: int | None = Field(default=None, ge=1, le=366)
    time_limit: float = Field(default=30.0, gt=0, le=24 * 3600, allow_inf_nan=False)
    workers: int = Field(default=1, ge=1, le=16)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class JobPublic(Schema):
    id: int
    status: str
    name: str
    horizon_start: dt.date
    horizon_days: int
    options: dict
    created_by: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cancel_requested: bool
    elapsed: float | None = Field(description="seconds of solving so far")
    objective: float | None = Field(description="best objective found so far")
    bound: float | None = Field(description="best lower bound so far")
    error: str
    plan_id: int | None


class PlanPublic(Schema):
    id: int
    name: str
    status: str
    horizon_start: dt.date
    horizon_days: int
    job_id: int | None
    created_by: int | None
    created_at: dt.datetime
    published_by: int | None
    published_at: dt.datetime | None
    options: dict | None
    solver_status: str
    objective: float | None
    best_bound: float | None
    checked_objective: float | None
    wall_seconds: float | None
    penalties: dict | None
    violations: list | None


class PlanUpdate(Schema):
    name: Text


class AssignmentPublic(Schema):
    technician: str
    date: dt.date
    shift: str
    client: str
    skill: str
    start: dt.datetime
    end: dt.datetime
    plan_id: int | None = None
    """The plan version holding it (a technician proposes a swap on that plan)."""


class OnCallPublic(Schema):
    technician: str
    rotation: str
    role: str
    start: dt.datetime
    end: dt.datetime
    plan_id: int | None = None
    """The plan version holding it."""


class CoveragePublic(Schema):
    client: str
    date: dt.date
    shift: str
    skill: str
    required: int
    assigned: int
    shortfall: int


class FairnessPublic(Schema):
    tag: str
    group: str
    counts: dict[str, int]
    spread: int


class PublishResult(Schema):
    plan: PlanPublic
    superseded: list[int]


class Schedule(Schema):
    """A technician's published shifts and on-call periods in a date range."""

    technician: str
    start: dt.date
    end: dt.date
    assignments: list[AssignmentPublic]
    oncall: list[OnCallPublic]


class OnCallContact(Schema):
    """How to reach a person on call (all a technician may see of a colleague)."""

    name: str = ""
    phone: str = ""
    email: str = ""


class OnCallNow(Schema):
    client: str
    rotation: str
    role: str
    now: OnCallPublic | None
    next: OnCallPublic | None
    now_contact: OnCallContact | None = None
    next_contact: OnCallContact | None = None


class Token(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(Schema):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[^\s]+$")
    password: str = Field(min_length=8, max_length=256)
    role: str = Field(pattern="^(manager|coordinator|technician)$")
    technician_id: Id | None = None
    full_name: Text = ""


class UserUpdate(Schema):
    password: str | None = Field(default=None, min_length=8, max_length=256)
    role: str | None = Field(default=None, pattern="^(manager|coordinator|technician)$")
    technician_id: Id | None = None
    full_name: Text | None = None
    active: bool | None = None


class UserPublic(Schema):
    """A user as a member of the chosen team: ``role`` and ``technician_id`` are those of
    that team (``team``, its slug)."""

    id: int
    username: str
    full_name: str
    role: str
    technician_id: str | None
    active: bool
    created_at: dt.datetime
    team: str = ""


class MemberAdd(Schema):
    """Make an existing account a member of the chosen team."""

    username: str = Field(min_length=1, max_length=64, pattern=r"^[^\s]+$")
    role: str = Field(pattern="^(manager|coordinator|technician)$")
    technician_id: Id | None = None


class TeamPublic(Schema):
    """One of the caller's teams and their role in it."""

    id: int
    slug: str
    name: str
    role: str
    technician_id: str | None


class CalendarLink(Schema):
    """A person's calendar-feed link.

    Only a digest of the secret is stored, so ``url`` and ``token`` are given once, in
    the answer to ``POST /users/me/calendar``; ``GET`` answers them as null and says
    whether a link exists and since when (null for links made before secrets were
    hashed: the time was not recorded).
    """

    url: str | None = None
    token: str | None = None
    exists: bool = False
    created_at: dt.datetime | None = None
