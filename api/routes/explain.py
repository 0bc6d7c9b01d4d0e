"""Explain a plan's gaps, who can cover a duty, N-1 robustness (managers, coordinators)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter, HTTPException, Query

from planner.cover import CoverError, who_can_cover
from planner.explain import explain_gaps
from planner.robustness import robustness
from api.daytwo import plan_inputs
from api.deps import SessionDep, StaffUser
from api.routes.crud import ERRORS
from api.schemas.common import PlanId
from api.schemas.daytwo import CoverOptionPublic, ExplainPublic, RobustnessPublic

router = APIRouter(prefix="/plans", tags=["day two"], responses=ERRORS)


@router.get("/{plan_id}/explain", response_model=ExplainPublic,
            summary="Every coverage gap: who could have worked it, the rule that kept each "
                    "out (checked), the smallest fixes with their cost")
def explain_plan(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    contractor_cost: int = Query(100, ge=0, le=1_000_000),
) -> ExplainPublic:
    _row, scenario, plan = plan_inputs(session, plan_id)
    gaps = explain_gaps(scenario, plan, contractor_cost=contractor_cost)
    return ExplainPublic(gaps=[g.as_dict() for g in gaps])


@router.get("/{plan_id}/cover", response_model=list[CoverOptionPublic],
            summary="Who can take a duty (open, or given up by ?giver=) without breaking a "
                    "hard rule, cheapest first")
def cover_duty(
    _: StaffUser,
    session: SessionDep,
    *,  # keyword-only: the path parameter keeps its place after the query ones
    client: str = Query(..., min_length=1, max_length=64),
    date: dt.date = Query(...),
    shift: str = Query(..., min_length=1, max_length=64),
    skill: str = Query("", max_length=64),
    giver: str | None = Query(None, max_length=64),
    plan_id: PlanId,
) -> list[CoverOptionPublic]:
    _row, scenario, plan = plan_inputs(session, plan_id)
    try:
        options = who_can_cover(scenario, plan, client, date, shift, skill, giver)
    except CoverError as e:
        raise HTTPException(404, detail=str(e)) from None
    return [CoverOptionPublic(**asdict(o)) for o in options]


@router.get("/{plan_id}/robustness", response_model=RobustnessPublic,
            summary="N-1 per client and day, single points of failure, cross-training advice")
def plan_robustness(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
) -> RobustnessPublic:
    _row, scenario, plan = plan_inputs(session, plan_id)
    r = robustness(scenario, plan)
    return RobustnessPublic(
        robust_share=round(r.robust_share, 4),
        days=[{**asdict(d), "single_points_of_failure": list(d.single_points_of_failure)}
              for d in r.days],
        advice=[asdict(a) for a in r.advice],
    )
