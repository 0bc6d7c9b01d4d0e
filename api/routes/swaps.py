"""Swaps: a technician proposes (their own duties only) and gets the verdict at once;
a manager or coordinator approves a swap into a new draft plan."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path
from sqlmodel import Session

from planner.check import check
from planner.swaps import DutyRef, SwapError, evaluate_swap
from api import tables as t
from api.auth import anyone, own_technician, staff
from api.daytwo import plan_inputs, store_draft
from api.deps import get_session
from api.errors import conflict, not_found
from api.routes.crud import ERRORS
from api.schemas.common import INT32
from api.schemas.daytwo import SwapRequest, SwapVerdict
from api.schemas.plans import PlanPublic

router = APIRouter(prefix="/plans", tags=["day two"], responses=ERRORS)
PlanId = Path(ge=1, le=INT32)


def _ref(d) -> DutyRef:
    return DutyRef(d.client, d.date, d.shift, d.skill, d.kind)


def _evaluate(session: Session, plan_id: int, body: SwapRequest):
    row, scenario, plan = plan_inputs(session, plan_id)
    try:
        r = evaluate_swap(scenario, plan, body.technician, _ref(body.duty), body.to,
                          _ref(body.take) if body.take else None)
    except SwapError as e:
        raise HTTPException(422, detail=[{"loc": ["body"], "msg": str(e),
                                          "type": "value_error"}]) from None
    return row, scenario, r


def _verdict(r) -> SwapVerdict:
    return SwapVerdict(
        ok=r.ok,
        violations=[{"rule": v.rule, "technician": v.technician, "date": v.date,
                     "message": v.message} for v in r.violations],
        objective_delta=r.delta, penalty_delta=r.penalty_delta,
    )


@router.post("/{plan_id}/swaps", response_model=SwapVerdict,
             summary="Propose a swap or give-away: does it break a hard rule (which, for "
                     "whom), and what it does to the objective")
def propose_swap(
    body: SwapRequest,
    plan_id: int = PlanId,
    user: t.UserRow = Depends(anyone),
    session: Session = Depends(get_session),
) -> SwapVerdict:
    own_technician(user, body.technician)
    if user.role == t.UserRole.technician.value:
        # a technician sees published schedules only: a draft (or superseded) plan
        # answers like a missing one, so its duties and its existence stay hidden
        row = session.get(t.PlanRow, plan_id)
        if row is None or row.status != t.PlanStatus.published.value:
            raise not_found("plan", plan_id)
    _row, _sc, r = _evaluate(session, plan_id, body)
    return _verdict(r)


@router.post("/{plan_id}/swaps/approve", response_model=PlanPublic, status_code=201,
             summary="Approve a swap into a new draft plan (409 if it breaks a hard rule)")
def approve_swap(
    body: SwapRequest,
    plan_id: int = PlanId,
    user: t.UserRow = Depends(staff),
    session: Session = Depends(get_session),
) -> PlanPublic:
    row, scenario, r = _evaluate(session, plan_id, body)
    if not r.ok:
        raise conflict("the swap breaks hard rules: " + "; ".join(v.message for v in r.violations))
    swap = body.model_dump(mode="json")
    draft = store_draft(session, row, r.plan, check(scenario, r.plan),
                        f"{row.name or f'plan {plan_id}'} + swap {body.technician} -> {body.to}",
                        user, {"derived_from": plan_id, "swap": swap})
    session.commit()
    session.refresh(draft)
    return PlanPublic.from_row(draft)
