"""Solve jobs: start (202 at once), status with live progress, cancel."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import ValidationError
from sqlmodel import Session, select

from planner.domain import Horizon
from api import tables as t
from api.deps import SessionDep, SettingsDep, StaffUser
from api.errors import conflict, not_found, unprocessable
from api.busy import team_scenario
from api.routes.crud import ERRORS, newest_first
from api.schemas.common import JobId
from api.schemas.plans import JobPublic, SolveRequest

router = APIRouter(prefix="/solve-jobs", tags=["solve jobs"], responses=ERRORS)


def _public(job: t.SolveJobRow) -> JobPublic:
    return JobPublic.from_row(job)


@router.post("", response_model=JobPublic, status_code=202,
             summary="Start a solve for a horizon (returns at once; poll the job)")
def start_solve(
    user: StaffUser,
    session: SessionDep,
    settings: SettingsDep,
    body: SolveRequest,
    request: Request,
) -> JobPublic:
    if body.time_limit > settings.max_time_limit:
        raise unprocessable("time_limit", f"time_limit is above the server's maximum of "
                            f"{settings.max_time_limit:g} s")
    stored = session.exec(select(t.ScenarioRow)).first()
    start = body.horizon_start or (stored.horizon_start if stored else None)
    days = body.horizon_days or (stored.horizon_days if stored else None)
    if start is None or days is None:
        raise unprocessable("horizon_start", "no scenario horizon stored: give horizon_start and horizon_days")
    try:
        horizon = Horizon(start=start, days=days)
    except ValidationError as e:
        raise unprocessable("horizon_days", e.errors()[0]["msg"].removeprefix("Value error, ")) from None
    try:
        scenario = team_scenario(session, horizon)  # with the shared people's busy time
    except ValidationError as e:
        raise conflict(f"the stored data do not form a valid scenario: {e.errors()[0]['msg']}") from None
    options = {"time_limit": body.time_limit, "workers": body.workers, "seed": body.seed}
    job = t.SolveJobRow(
        name=body.name, horizon_start=start, horizon_days=days, options=options,
        created_by=user.id, created_at=t.utcnow(),
    )
    session.add(job)
    session.commit()
    session.refresh(job)
    request.app.state.jobs.submit(job.id, scenario, options)
    session.refresh(job)  # a runner that could not queue it has failed it
    return _public(job)


@router.get("", response_model=list[JobPublic], summary="List solve jobs, newest first")
def list_jobs(
    _: StaffUser,
    session: SessionDep,
    status: str | None = Query(None, pattern="^(queued|running|succeeded|failed|cancelled)$"),
    limit: int = Query(100, ge=1, le=1000),
) -> list[JobPublic]:
    return [_public(j) for j in newest_first(session, t.SolveJobRow, status, limit)]


def _job(session: Session, job_id: int) -> t.SolveJobRow:
    job = session.get(t.SolveJobRow, job_id)
    if job is None:
        raise not_found("solve job", job_id)
    return job


@router.get("/{job_id}", response_model=JobPublic,
            summary="Status and live progress (objective, bound, elapsed) of a solve job")
def read_job(
    _: StaffUser,
    session: SessionDep,
    job_id: JobId,
) -> JobPublic:
    return _public(_job(session, job_id))


@router.post("/{job_id}/cancel", response_model=JobPublic, status_code=202,
             summary="Cancel a solve job (a running solve stops and keeps its best plan as a draft)")
def cancel_job(
    _: StaffUser,
    session: SessionDep,
    job_id: JobId,
) -> JobPublic:
    job = _job(session, job_id)
    if job.status not in t.UNFINISHED:
        raise HTTPException(409, detail=f"solve job {job_id} is already {job.status}")
    job.cancel_requested = True
    if job.status == t.JobStatus.queued.value:
        job.status = t.JobStatus.cancelled.value
        job.finished_at = t.utcnow()
    session.add(job)
    session.commit()
    session.refresh(job)
    return _public(job)
