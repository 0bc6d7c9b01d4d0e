"""Explain a plan's gaps, who can cover a duty, N-1 robustness (managers, coordinators).

Explain and robustness of a whole plan can take minutes (explain of a nearly empty plan,
robustness of a large team): they run as jobs (``POST .../explain/jobs``,
``POST .../robustness/jobs``, then ``GET /plans/{id}/reports/{job_id}``), through the same
job runner as solves and re-plans. ``GET .../explain`` stays as a bounded fast path: the
gaps of one client, date or shift, at most ``limit`` of them explained.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter, HTTPException, Query, Request
from sqlmodel import Session

from planner.cover import CoverError, who_can_cover
from planner.explain import explain_report
from planner.robustness import robustness
from api import tables as t
from api.daytwo import REPORT_KINDS, plan_inputs
from api.errors import conflict, not_found
from api.deps import SessionDep, StaffUser
from api.routes.crud import ERRORS
from api.schemas.common import JobId, PlanId
from api.schemas.daytwo import CoverOptionPublic, ExplainPublic, ReportPublic, RobustnessPublic
from api.schemas.plans import JobPublic

router = APIRouter(prefix="/plans", tags=["day two"], responses=ERRORS)


FAST_GAPS = 25
"""Most gaps ``GET .../explain`` explains inside the request (the job explains them all)."""


@router.get("/{plan_id}/explain", response_model=ExplainPublic,
            summary="Coverage gaps (optionally of one client, date, shift): who could have "
                    "worked each, the rule that kept them out (checked), the smallest fixes "
                    "with their cost; at most `limit` explained (total_gaps counts them all; "
                    "the explain job has no limit)")
def explain_plan(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    contractor_cost: int = Query(100, ge=0, le=1_000_000),
    client: str | None = Query(None, max_length=64),
    date: dt.date | None = Query(None),
    shift: str | None = Query(None, max_length=64),
    limit: int = Query(FAST_GAPS, ge=1, le=FAST_GAPS),
) -> ExplainPublic:
    _row, scenario, plan = plan_inputs(session, plan_id)

    def keep(cov) -> bool:
        return ((client is None or cov.client == client) and (date is None or cov.date == date)
                and (shift is None or cov.shift == shift))

    r = explain_report(scenario, plan, contractor_cost=contractor_cost, keep=keep, limit=limit)
    return ExplainPublic(gaps=[g.as_dict() for g in r.gaps], total_gaps=r.total)


def _queue(request: Request, session: Session, user: t.UserRow, plan_id: int, kind: str,
           extra: dict) -> JobPublic:
    """Queue an explain or robustness job of plan ``plan_id`` (run by ``api.jobs``)."""
    row, scenario, _plan = plan_inputs(session, plan_id)
    options = {"kind": kind, "plan_id": plan_id, **extra}
    job = t.SolveJobRow(name=f"{kind} of plan {plan_id}", horizon_start=row.horizon_start,
                        horizon_days=row.horizon_days, options=options, created_by=user.id,
                        created_at=t.utcnow())
    session.add(job)
    session.commit()
    session.refresh(job)
    request.app.state.jobs.submit(job.id, scenario, options)
    return JobPublic.from_row(job)


@router.post("/{plan_id}/explain/jobs", response_model=JobPublic, status_code=202,
             summary="Explain every gap of the plan as a job (poll /solve-jobs/{id}, then "
                     "GET /plans/{plan_id}/reports/{job_id})")
def start_explain(
    user: StaffUser,
    session: SessionDep,
    request: Request,
    plan_id: PlanId,
    contractor_cost: int = Query(100, ge=0, le=1_000_000),
) -> JobPublic:
    return _queue(request, session, user, plan_id, "explain", {"contractor_cost": contractor_cost})


@router.post("/{plan_id}/robustness/jobs", response_model=JobPublic, status_code=202,
             summary="N-1 robustness of the plan as a job (then GET "
                     "/plans/{plan_id}/reports/{job_id})")
def start_robustness(
    user: StaffUser,
    session: SessionDep,
    request: Request,
    plan_id: PlanId,
) -> JobPublic:
    return _queue(request, session, user, plan_id, "robustness", {})


@router.get("/{plan_id}/reports/{job_id}", response_model=ReportPublic,
            summary="The report of an explain or robustness job: its status, and the report "
                    "once the job has succeeded")
def read_report(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    job_id: JobId,
) -> ReportPublic:
    job = session.get(t.SolveJobRow, job_id)
    opts = (job.options or {}) if job else {}
    if job is None or opts.get("plan_id") != plan_id or opts.get("kind") not in REPORT_KINDS:
        raise not_found("report job", job_id)
    stored = session.get(t.JobReportRow, job_id)
    body = stored.body if stored else None
    return ReportPublic(job=JobPublic.from_row(job), kind=opts["kind"],
                        explain=body if body is not None and opts["kind"] == "explain" else None,
                        robustness=body if body is not None and opts["kind"] == "robustness"
                        else None)


@router.get("/{plan_id}/cover", response_model=list[CoverOptionPublic],
            summary="Who can take a duty (open, or given up by ?giver=) without breaking a "
                    "hard rule, cheapest first")
def cover_duty(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    client: str = Query(..., min_length=1, max_length=64),
    date: dt.date = Query(...),
    shift: str = Query(..., min_length=1, max_length=64),
    skill: str = Query("", max_length=64),
    giver: str | None = Query(None, max_length=64),
) -> list[CoverOptionPublic]:
    _row, scenario, plan = plan_inputs(session, plan_id)
    try:
        options = who_can_cover(scenario, plan, client, date, shift, skill, giver)
    except CoverError as e:
        raise HTTPException(404, detail=str(e)) from None
    return [CoverOptionPublic(**asdict(o)) for o in options]


FAST_ASSIGNMENTS = 300
"""Largest plan whose whole robustness ``GET .../robustness`` computes in the request."""


@router.get("/{plan_id}/robustness", response_model=RobustnessPublic,
            summary="N-1 per client and day, single points of failure, on-call roles one "
                    "absence would leave unfilled, cross-training advice; of one client "
                    "and/or date (a whole large plan: 409, use the robustness job)")
def plan_robustness(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    client: str | None = Query(None, max_length=64),
    date: dt.date | None = Query(None),
) -> RobustnessPublic:
    _row, scenario, plan = plan_inputs(session, plan_id)
    if client is None and date is None and len(plan.assignments) > FAST_ASSIGNMENTS:
        raise conflict(f"plan {plan_id} holds {len(plan.assignments)} duties: give ?client= "
                       f"or ?date=, or run POST /plans/{plan_id}/robustness/jobs")
    return RobustnessPublic(**robustness(scenario, plan, client=client, date=date).as_dict())
