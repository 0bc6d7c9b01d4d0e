"""Swaps: a technician proposes (their own duties and on-call roles only) and gets the
verdict at once; a valid proposal is stored; a manager or coordinator approves it into a
new draft plan (re-checked against the current plan first) or rejects it, and the
technicians concerned are told.

``/plans/{id}/swaps/approve`` approves a swap given in the body directly (staff only).
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import or_
from sqlmodel import Session, select

from planner.check import check
from planner.swaps import DutyRef, SwapError, evaluate_swap
from api import tables as t
from api.auth import own_technician
from api.daytwo import plan_inputs, store_draft
from api.deps import AnyUser, SessionDep, StaffUser
from api.errors import conflict, not_found
from api.notify import notify_swap_decision
from api.routes.crud import ERRORS
from api.schemas.common import INT32, PlanId, RowId as ProposalId
from api.schemas.daytwo import SwapDecision, SwapProposalPublic, SwapRequest, SwapVerdict
from api.schemas.plans import PlanPublic

router = APIRouter(prefix="/plans", tags=["day two"], responses=ERRORS)
proposals = APIRouter(prefix="/swap-proposals", tags=["day two"], responses=ERRORS)


def _ref(d) -> DutyRef:
    return DutyRef(d.client, d.date, d.shift, d.skill, d.kind)


def _evaluate(session: Session, plan_id: int, body: SwapRequest):
    """The plan row, its scenario and the swap's verdict (422 on a swap that names a duty
    its technician does not hold, or an unknown person)."""
    try:
        return _weigh(session, plan_id, body)
    except SwapError as e:
        raise HTTPException(422, detail=[{"loc": ["body"], "msg": str(e),
                                          "type": "value_error"}]) from None


def _weigh(session: Session, plan_id: int, body: SwapRequest):
    row, scenario, plan = plan_inputs(session, plan_id)
    r = evaluate_swap(scenario, plan, body.technician, _ref(body.duty), body.to,
                      _ref(body.take) if body.take else None)
    return row, scenario, r


def _verdict(r, proposal_id: int | None = None) -> SwapVerdict:
    return SwapVerdict(
        ok=r.ok,
        violations=[{"rule": v.rule, "technician": v.technician, "date": v.date,
                     "message": v.message} for v in r.violations],
        objective_delta=r.delta, penalty_delta=r.penalty_delta, proposal_id=proposal_id,
    )


@router.post("/{plan_id}/swaps", response_model=SwapVerdict,
             summary="Propose a swap or give-away of a duty or on-call role: does it break a "
                     "hard rule (which, for whom), what it does to the objective; a valid "
                     "proposal is stored for a coordinator (proposal_id)")
def propose_swap(
    user: AnyUser,
    session: SessionDep,
    body: SwapRequest,
    plan_id: PlanId,
    store: bool = Query(True, description="store a valid proposal (staff may only weigh it)"),
) -> SwapVerdict:
    own_technician(user, body.technician)
    technician = user.role == t.UserRole.technician.value
    if technician:
        # a technician sees published schedules only: a draft (or superseded) plan
        # answers like a missing one, so its duties and its existence stay hidden
        row = session.get(t.PlanRow, plan_id)
        if row is None or row.status != t.PlanStatus.published.value:
            raise not_found("plan", plan_id)
    _row, _sc, r = _evaluate(session, plan_id, body)
    verdict = _verdict(r)
    if r.ok and (store or technician):
        data = body.model_dump(mode="json")
        p = t.SwapProposalRow(plan_id=plan_id, technician=body.technician, to=body.to,
                              duty=data["duty"], take=data["take"],
                              verdict=verdict.model_dump(mode="json"), created_by=user.id,
                              created_at=t.utcnow())
        session.add(p)
        session.commit()
        verdict.proposal_id = p.id
    return verdict


@router.post("/{plan_id}/swaps/approve", response_model=PlanPublic, status_code=201,
             summary="Approve a swap into a new draft plan (409 if it breaks a hard rule)")
def approve_swap(
    user: StaffUser,
    session: SessionDep,
    body: SwapRequest,
    plan_id: PlanId,
) -> PlanPublic:
    row, scenario, r = _evaluate(session, plan_id, body)
    if not r.ok:
        raise conflict("the swap breaks hard rules: " + "; ".join(v.message for v in r.violations))
    draft = _store(session, row, scenario, r, body, user, {})
    session.commit()
    session.refresh(draft)
    return PlanPublic.from_row(draft)


def _store(session, row, scenario, r, body: SwapRequest, user, extra: dict) -> t.PlanRow:
    return store_draft(session, row, r.plan, check(scenario, r.plan),
                       f"{row.name or f'plan {row.id}'} + swap {body.technician} -> {body.to}",
                       user, {"derived_from": row.id, "swap": body.model_dump(mode="json"),
                              **extra})


# --- stored proposals ------------------------------------------------------------


def _public(p: t.SwapProposalRow) -> SwapProposalPublic:
    return SwapProposalPublic.model_validate(p, from_attributes=True)


def _mine(user: t.UserRow):
    """The filter of the proposals a technician may see: theirs, or naming them."""
    me = user.technician_id or ""
    return or_(t.SwapProposalRow.technician == me, t.SwapProposalRow.to == me)


def _proposal(session: Session, proposal_id: int, user: t.UserRow) -> t.SwapProposalRow:
    p = session.get(t.SwapProposalRow, proposal_id)
    if p is None or (user.role == t.UserRole.technician.value
                     and (user.technician_id or "") not in (p.technician, p.to)):
        raise not_found("swap proposal", proposal_id)  # another's: as if missing
    return p


@proposals.get("", response_model=list[SwapProposalPublic],
               summary="Swap proposals, newest first (a technician sees only those that "
                       "concern them)")
def list_proposals(
    user: AnyUser,
    session: SessionDep,
    status: str | None = Query(None, pattern="^(open|approved|rejected|invalid)$"),
    plan_id: int | None = Query(None, ge=1, le=INT32),
    limit: int = Query(100, ge=1, le=1000),
) -> list[SwapProposalPublic]:
    q = select(t.SwapProposalRow)
    if user.role == t.UserRole.technician.value:
        q = q.where(_mine(user))
    if status:
        q = q.where(t.SwapProposalRow.status == status)
    if plan_id:
        q = q.where(t.SwapProposalRow.plan_id == plan_id)
    rows = session.exec(q.order_by(t.SwapProposalRow.id.desc()).limit(limit)).all()
    return [_public(p) for p in rows]


@proposals.get("/{proposal_id}", response_model=SwapProposalPublic,
               summary="One swap proposal (a technician: only one that concerns them)")
def read_proposal(
    user: AnyUser,
    session: SessionDep,
    proposal_id: ProposalId,
) -> SwapProposalPublic:
    return _public(_proposal(session, proposal_id, user))


def _current_plan(session: Session, p: t.SwapProposalRow) -> int:
    """The plan a proposal is approved against: its draft as it is, or the plan now
    published over the proposal's days (the one it was made on may be superseded)."""
    row = session.get(t.PlanRow, p.plan_id)
    if row is None:
        raise conflict(f"plan {p.plan_id} of swap proposal {p.id} no longer exists")
    if row.status == t.PlanStatus.draft.value:
        return row.id
    newest = session.exec(select(t.PlanRow.id).where(
        t.PlanRow.status == t.PlanStatus.published.value,
        t.PlanRow.horizon_start <= dt.date.fromisoformat(p.duty["date"])).order_by(t.PlanRow.id.desc())).first()
    return newest or row.id


def _decide(session: Session, p: t.SwapProposalRow, user: t.UserRow, status: str,
            reason: str = "", draft: int | None = None) -> None:
    p.status, p.reason, p.draft_plan_id = status, reason[:2000], draft
    p.decided_by, p.decided_at = user.id, t.utcnow()
    session.add(p)


def _tell(background: BackgroundTasks, request: Request, session: Session,
          p: t.SwapProposalRow) -> None:
    """Queue the e-mails and webhook telling both technicians the decision."""
    people = []
    for tid in dict.fromkeys((p.technician, p.to)):
        tech = session.get(t.TechnicianRow, tid)
        people.append({"technician": tid, "name": (tech.name if tech else "") or tid,
                       "email": tech.email if tech else ""})
    background.add_task(notify_swap_decision, request.app.state.settings,
                        _public(p).model_dump(mode="json"), people)


def _open(p: t.SwapProposalRow) -> None:
    if p.status != t.SwapStatus.open.value:
        raise conflict(f"swap proposal {p.id} is already {p.status}")


@proposals.post("/{proposal_id}/approve", response_model=PlanPublic, status_code=201,
                summary="Approve a proposal into a new draft plan, re-checked against the "
                        "current plan (409 with the reason when it no longer holds)")
def approve_proposal(
    user: StaffUser,
    session: SessionDep,
    background: BackgroundTasks,
    request: Request,
    proposal_id: ProposalId,
) -> PlanPublic:
    p = _proposal(session, proposal_id, user)
    _open(p)
    current = _current_plan(session, p)
    body = SwapRequest(technician=p.technician, to=p.to, duty=p.duty, take=p.take)
    try:
        row, scenario, r = _weigh(session, current, body)
        reason = "" if r.ok else "; ".join(v.message for v in r.violations)
    except SwapError as e:
        reason = str(e)
    if reason:
        _decide(session, p, user, t.SwapStatus.invalid.value,
                f"against plan {current}: {reason}")
        session.commit()
        _tell(background, request, session, p)
        # a response (not an exception) so that the notification still goes out
        return JSONResponse(status_code=409, background=background, content={
            "detail": f"swap proposal {p.id} no longer holds against plan {current}: {reason}"})
    draft = _store(session, row, scenario, r, body, user, {"swap_proposal": p.id})
    _decide(session, p, user, t.SwapStatus.approved.value, draft=draft.id)
    session.commit()
    session.refresh(draft)
    _tell(background, request, session, p)
    return PlanPublic.from_row(draft)


@proposals.post("/{proposal_id}/reject", response_model=SwapProposalPublic,
                summary="Reject a proposal (the technicians concerned are told why)")
def reject_proposal(
    user: StaffUser,
    session: SessionDep,
    background: BackgroundTasks,
    request: Request,
    proposal_id: ProposalId,
    body: SwapDecision | None = None,
) -> SwapProposalPublic:
    p = _proposal(session, proposal_id, user)
    _open(p)
    _decide(session, p, user, t.SwapStatus.rejected.value, body.reason if body else "")
    session.commit()
    session.refresh(p)
    _tell(background, request, session, p)
    return _public(p)
