"""Re-plan a plan after changes (a job like the solves), and a plan's changes."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Query, Request

from planner.check import Context
from planner.check.stability import changes as plan_changes
from planner.replan.changes import ChangeError, changes_from_dict
from planner.replan.run import notices, with_baseline
from api import tables as t
from api.daytwo import parse_moment, plan_inputs
from api.deps import SessionDep, SettingsDep, StaffUser
from api.errors import conflict, unprocessable
from api.mapping import rows_to_plan
from api.plans import get_plan
from api.routes.crud import ERRORS
from api.schemas.common import INT32, PlanId
from api.schemas.daytwo import ChangesPublic, ReplanRequest
from api.schemas.plans import JobPublic

router = APIRouter(prefix="/plans", tags=["day two"], responses=ERRORS)


@router.post("/{plan_id}/replan", response_model=JobPublic, status_code=202,
             summary="Re-plan after changes with as few changes as possible (a job; "
                     "yields a new draft; options.warnings lists changes with no effect)")
def start_replan(
    user: StaffUser,
    session: SessionDep,
    settings: SettingsDep,
    body: ReplanRequest,
    request: Request,
    plan_id: PlanId,
) -> JobPublic:
    if body.time_limit > settings.max_time_limit:
        raise unprocessable("time_limit", f"time_limit is above the server's maximum of "
                            f"{settings.max_time_limit:g} s")
    if body.now is not None and body.now.tzinfo is None:
        raise unprocessable("now", "now must carry a UTC offset (e.g. 2027-07-12T08:00:00+02:00)")
    row, scenario, published = plan_inputs(session, plan_id)
    try:
        changed, warnings = changes_from_dict(scenario, body.changes)
    except ChangeError as e:
        raise HTTPException(422, detail=[{"loc": ["body", "changes", *e.loc], "msg": e.message,
                                          "type": "value_error"}]) from None
    now = body.now or dt.datetime.now(dt.timezone.utc)
    sc = with_baseline(changed, published, now, body.frozen_hours, body.max_changes)
    options = {"time_limit": body.time_limit, "workers": body.workers, "seed": body.seed,
               "derived_from": plan_id, "now": now.isoformat(),
               "frozen_hours": body.frozen_hours, "max_changes": body.max_changes,
               "changes": body.changes, "patience": 1.0, "kind": "replan",
               # changes with no effect (e.g. an absence on days off): shown with the job
               "warnings": list(warnings)}
    job = t.SolveJobRow(name=body.name or f"re-plan of plan {plan_id}",
                        horizon_start=row.horizon_start, horizon_days=row.horizon_days,
                        options=options, created_by=user.id, created_at=t.utcnow())
    session.add(job)
    session.commit()
    session.refresh(job)
    request.app.state.jobs.submit(job.id, sc, options)
    return JobPublic.from_row(job)


@router.get("/{plan_id}/changes", response_model=ChangesPublic,
            summary="What changed against the plan this one was derived from (or ?against=)")
def read_changes(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    against: int | None = Query(None, ge=1, le=INT32),
) -> ChangesPublic:
    row, scenario, plan = plan_inputs(session, plan_id)
    base_id = against or (row.options or {}).get("derived_from")
    if not base_id:
        raise conflict(f"plan {plan_id} was not derived from another plan: "
                       "give ?against=PLAN_ID")
    get_plan(session, base_id)
    opts = row.options or {}
    if opts.get("changes"):  # the changes the re-plan was made for (not stored as data)
        try:
            scenario, _ = changes_from_dict(scenario, opts["changes"])
        except ChangeError:
            pass  # the stored data moved on: compare against them as they are
    now = parse_moment(opts.get("now") if not against else None, row.horizon_start)
    sc = with_baseline(scenario, rows_to_plan(session, base_id), now,
                       float(opts.get("frozen_hours", 0) if not against else 0))
    found = plan_changes(Context(sc, plan))
    notes = notices(sc, found)
    return ChangesPublic(
        plan_id=plan_id, base_plan_id=base_id,
        changes=[{**c.__dict__} for c in found],
        chosen=sum(1 for c in found if not c.forced),
        notify=[{"technician": n.technician, "name": n.name, "summary": n.summary,
                 "changes": len(n.changes)} for n in notes],
    )
