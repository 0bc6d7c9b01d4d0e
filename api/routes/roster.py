"""A plan's roster in compact columns, for the dashboard's grid.

``GET /plans/{id}/assignments`` validates one schema object per shift; on a
400-technician, 8-week plan (~8 000 shifts) that took seconds. The grid needs four
columns per shift and five per on-call period, read here as plain rows.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlmodel import select

from api import tables as t
from api.deps import SessionDep, StaffUser
from api.plans import get_plan
from api.routes.crud import ERRORS
from api.schemas.common import PlanId

router = APIRouter(prefix="/plans", tags=["plans"], responses=ERRORS)


class RosterPublic(BaseModel):
    """Shifts as [technician, date, shift, client]; on-call as [technician, rotation, role,
    start, end] (UTC)."""

    plan_id: int
    shifts: list[tuple[str, dt.date, str, str]]
    oncall: list[tuple[str, str, str, dt.datetime, dt.datetime]]


@router.get("/{plan_id}/roster", response_model=RosterPublic,
            summary="A plan's shifts and on-call periods in compact columns (the dashboard's grid)")
def plan_roster(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
) -> Response:
    get_plan(session, plan_id)
    A, O = t.PlanAssignmentRow, t.PlanOnCallRow
    shifts = session.exec(select(A.technician, A.date, A.shift, A.client)
                          .where(A.plan_id == plan_id).order_by(A.technician, A.date)).all()
    oncall = session.exec(select(O.technician, O.rotation, O.role, O.start, O.end)
                          .where(O.plan_id == plan_id).order_by(O.start, O.rotation)).all()
    # rows from the database are valid: serialise without validating each one again
    body = RosterPublic.model_construct(plan_id=plan_id, shifts=[tuple(r) for r in shifts],
                                        oncall=[tuple(r) for r in oncall])
    return Response(body.model_dump_json(), media_type="application/json")
