"""Schemas of the day-two routes: re-plan, changes, explain, cover, swaps, robustness."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from planner.validation import Moment
from api.schemas.common import Schema, Text
from api.schemas.plans import JobPublic


class ReplanRequest(Schema):
    """Re-plan a plan after changes (docs/changes-format.md, as JSON lists per file)."""

    name: Text = ""
    changes: dict = Field(default_factory=dict, description=(
        "absences, peaks, requests, coverage, fixed, technicians, contracts, departures: "
        "lists of objects with the scenario's field names; rules: settings to override"))
    now: Moment | None = Field(default=None, description="moment of the re-plan, with "
                                    "a UTC offset (default: the server's clock)")
    frozen_hours: float = Field(default=48, ge=0, le=24 * 366, allow_inf_nan=False)
    max_changes: int | None = Field(default=None, ge=0, le=1_000_000)
    time_limit: float = Field(default=10.0, gt=0, le=24 * 3600, allow_inf_nan=False)
    workers: int = Field(default=1, ge=1, le=16)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class Out(BaseModel):
    """Response models: plain pydantic (documents the exact shape)."""


class CandidatePublic(Out):
    technician: str
    name: str
    reason: str
    detail: str


class FixPublic(Out):
    kind: str
    technician: str
    description: str
    cost: int
    rule: str = ""


class GapPublic(Out):
    client: str
    date: dt.date
    shift: str
    skill: str
    required: int
    assigned: int
    shortfall: int
    candidates: list[CandidatePublic]
    fixes: list[FixPublic]


class ExplainPublic(Out):
    gaps: list[GapPublic]
    total_gaps: int | None = None
    """Gaps kept by the filters (the fast path explains at most its limit of them)."""


class ChangePublic(Out):
    technician: str
    date: dt.date
    kind: str
    shift: str
    client: str
    change: str
    skill: str
    start: dt.datetime
    end: dt.datetime
    forced: bool


class NoticePublic(Out):
    technician: str
    name: str
    summary: str
    changes: int


class ChangesPublic(Out):
    plan_id: int
    base_plan_id: int
    changes: list[ChangePublic]
    chosen: int
    notify: list[NoticePublic]


class CoverOptionPublic(Out):
    technician: str
    name: str
    backup: bool
    cost: int
    penalties: dict[str, int]
    week_hours: float


class DutyRefBody(Schema):
    """A shift (client, date, shift type, skill) or an on-call role (``kind``
    ``oncall_primary``/``oncall_backup``, the rotation id as ``shift``, the local date
    its period starts as ``date``; ``client`` and ``skill`` are then ignored)."""

    client: Text = ""
    date: dt.date
    shift: Text
    skill: Text = ""
    kind: Literal["shift", "oncall_primary", "oncall_backup"] = "shift"


class SwapRequest(Schema):
    """``technician`` gives ``duty`` to ``to`` (and takes ``take`` from them, if given)."""

    technician: Text
    duty: DutyRefBody
    to: Text
    take: DutyRefBody | None = None


class ViolationPublic(Out):
    rule: str
    technician: str
    date: dt.date | None
    message: str


class SwapVerdict(Out):
    ok: bool
    violations: list[ViolationPublic]
    objective_delta: int
    penalty_delta: dict[str, int]
    proposal_id: int | None = None
    """The stored proposal a coordinator can approve (only when ``ok``)."""


class SwapProposalPublic(Out):
    id: int
    plan_id: int
    status: str
    technician: str
    to: str
    duty: dict
    take: dict | None
    verdict: SwapVerdict
    created_by: int | None
    created_at: dt.datetime
    decided_by: int | None
    decided_at: dt.datetime | None
    reason: str
    draft_plan_id: int | None


class SwapDecision(Schema):
    """Why a proposal is rejected (shown to the technicians concerned)."""

    reason: Text = ""


class DayRobustnessPublic(Out):
    client: str
    date: dt.date
    on_duty: int
    shortfall: int
    n_minus_1: bool
    single_points_of_failure: list[str]


class AdvicePublic(Out):
    technician: str
    name: str
    client: str
    skill: str
    removes: int


class OnCallRobustnessPublic(Out):
    rotation: str
    role: str
    start: dt.datetime
    end: dt.datetime
    holder: str
    substitute: str
    n_minus_1: bool


class RobustnessPublic(Out):
    robust_share: float
    days: list[DayRobustnessPublic]
    advice: list[AdvicePublic]
    oncall: list[OnCallRobustnessPublic] = []


class ReportPublic(Out):
    """An explain or robustness job: its status, and its report once it succeeded."""

    job: JobPublic
    kind: str
    explain: ExplainPublic | None = None
    robustness: RobustnessPublic | None = None
