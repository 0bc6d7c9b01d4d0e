"""Explain a plan's gaps, who can cover a duty, N-1 robustness (managers, coordinators)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from sqlmodel import Session

from planner.cover import CoverError, who_can_cover
from planner.explain import explain_gaps
from planner.robustness import robustness
from api import tables as t
from api.auth import staff
from api.daytwo import plan_inputs
from api.deps import get_session
from api.routes.crud import ERRORS
from api.schemas.common import INT32
from api.schemas.daytwo import CoverOptionPublic, ExplainPublic, RobustnessPublic

router = APIRouter(prefix="/plans", tags=["day two"], responses=ERRORS)
PlanId = Path(ge=1, le=INT32)


@router.get("/{plan_id}/explain", response_model=ExplainPublic,
            summary="Every coverage gap: who could have worked it, the rule that kept each "
                    "out (checked), the smallest fixes with their cost")
def explain_plan(
    plan_id: int = PlanId,
    contractor_cost: int = Query(100, ge=0, le=1_000_000),
    _: t.UserRow = Depends(staff),
    session: Session = Depends(get_session),
) -> ExplainPublic:
    _row, scenario, plan = plan_inputs(session, plan_id)
    gaps = explain_gaps(scenario, plan, contractor_cost=contractor_cost)
    return ExplainPublic(gaps=[g.as_dict() for g in gaps])


@router.get("/{plan_id}/cover", response_model=list[CoverOptionPublic],
            summary="Who can take a duty (open, or given up by ?giver=) without breaking a "
                    "hard rule, cheapest first")
def cover_duty(
    client: str = Query(..., min_length=1, max_length=64),
    date: dt.date = Query(...),
    shift: str = Query(..., min_length=1, max_length=64),
    skill: str = Query("", max_length=64),
    giver: str | None = Query(None, max_length=64),
    plan_id: int = PlanId,
    _: t.UserRow = Depends(staff),
    session: Session = Depends(get_session),
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
    plan_id: int = PlanId,
    _: t.UserRow = Depends(staff),
    session: Session = Depends(get_session),
) -> RobustnessPublic:
    _row, scenario, plan = plan_inputs(session, plan_id)
    return RobustnessPublic(**robustness(scenario, plan).as_dict())
