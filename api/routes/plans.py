"""Plan versions: list, read, assignments, coverage and gaps, fairness, publish, export."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from sqlmodel import Session, select

from api import export
from api import tables as t
from api.deps import ManagerUser, SessionDep, StaffUser
from api.notify import notify_publication
from api.plans import ensure_draft, get_plan, publish
from api.routes.crud import ERRORS, newest_first
from api.schemas.common import Day, PlanId
from api.schemas.plans import (
    AssignmentPublic, CoveragePublic, FairnessPublic, OnCallPublic, PlanPublic, PlanUpdate,
    PublishResult,
)

router = APIRouter(prefix="/plans", tags=["plans"], responses=ERRORS)


def _public(plan: t.PlanRow) -> PlanPublic:
    return PlanPublic.from_row(plan)


@router.get("", response_model=list[PlanPublic], summary="List plan versions, newest first")
def list_plans(
    _: StaffUser,
    session: SessionDep,
    status: str | None = Query(None, pattern="^(draft|published|superseded)$"),
    limit: int = Query(100, ge=1, le=1000),
) -> list[PlanPublic]:
    return [_public(p) for p in newest_first(session, t.PlanRow, status, limit)]


@router.get("/{plan_id}", response_model=PlanPublic, summary="Read a plan version and its figures")
def read_plan(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
) -> PlanPublic:
    return _public(get_plan(session, plan_id))


@router.patch("/{plan_id}", response_model=PlanPublic, summary="Rename a draft plan")
def update_plan(
    _: ManagerUser,
    session: SessionDep,
    body: PlanUpdate,
    plan_id: PlanId,
) -> PlanPublic:
    plan = get_plan(session, plan_id)
    ensure_draft(plan)
    plan.name = body.name
    session.add(plan)
    session.commit()
    session.refresh(plan)
    return _public(plan)


@router.delete("/{plan_id}", status_code=204, response_class=Response,
               summary="Delete a draft plan")
def delete_plan(
    _: ManagerUser,
    session: SessionDep,
    plan_id: PlanId,
) -> Response:
    plan = get_plan(session, plan_id)
    ensure_draft(plan)
    session.delete(plan)
    session.commit()
    return Response(status_code=204)


@router.post("/{plan_id}/publish", response_model=PublishResult,
             summary="Publish a draft (the published plans it overlaps become superseded)")
def publish_plan(
    user: ManagerUser,
    session: SessionDep,
    background: BackgroundTasks,
    request: Request,
    plan_id: PlanId,
) -> PublishResult:
    plan = get_plan(session, plan_id)
    superseded = publish(session, plan, user)
    session.commit()
    session.refresh(plan)
    # tell the technicians what changed (e-mail, signed webhook), after the response
    background.add_task(notify_publication, request.app.state.engine,
                        request.app.state.settings, plan_id, superseded)
    return PublishResult(plan=_public(plan), superseded=superseded)


def _assignments(
    session: Session, plan_id: int, technician: str | None = None, client: str | None = None,
    start: dt.date | None = None, end: dt.date | None = None,
) -> list[t.PlanAssignmentRow]:
    A = t.PlanAssignmentRow
    q = select(A).where(A.plan_id == plan_id)
    if technician:
        q = q.where(A.technician == technician)
    if client:
        q = q.where(A.client == client)
    if start:
        q = q.where(A.date >= start)
    if end:
        q = q.where(A.date <= end)
    return list(session.exec(q.order_by(A.date, A.client, A.shift, A.technician)).all())


@router.get("/{plan_id}/assignments", response_model=list[AssignmentPublic],
            summary="A plan's shifts, filtered by technician, client and dates (inclusive)")
def plan_assignments(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    technician: str | None = Query(None, max_length=64),
    client: str | None = Query(None, max_length=64),
    start: Day | None = None,
    end: Day | None = None,
) -> list[AssignmentPublic]:
    get_plan(session, plan_id)
    rows = _assignments(session, plan_id, technician, client, start, end)
    return [AssignmentPublic.from_row(r) for r in rows]


@router.get("/{plan_id}/oncall", response_model=list[OnCallPublic], summary="A plan's on-call duties")
def plan_oncall(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    technician: str | None = Query(None, max_length=64),
) -> list[OnCallPublic]:
    get_plan(session, plan_id)
    q = select(t.PlanOnCallRow).where(t.PlanOnCallRow.plan_id == plan_id)
    if technician:
        q = q.where(t.PlanOnCallRow.technician == technician)
    rows = session.exec(q.order_by(t.PlanOnCallRow.start, t.PlanOnCallRow.rotation)).all()
    return [OnCallPublic.from_row(r) for r in rows]


@router.get("/{plan_id}/coverage", response_model=list[CoveragePublic],
            summary="Coverage per client, date, shift and skill (gaps_only: the shortfalls)")
def plan_coverage(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
    gaps_only: bool = False,
    client: str | None = Query(None, max_length=64),
) -> list[CoveragePublic]:
    rows = get_plan(session, plan_id).coverage or []
    return [
        CoveragePublic.from_row(r) for r in rows
        if (not gaps_only or r["shortfall"] > 0) and (not client or r["client"] == client)
    ]


@router.get("/{plan_id}/fairness", response_model=list[FairnessPublic],
            summary="Fairness: per tag and group, counts per technician and their spread")
def plan_fairness(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
) -> list[FairnessPublic]:
    return [FairnessPublic.from_row(r) for r in get_plan(session, plan_id).fairness or []]


def _lookups(session: Session) -> tuple[dict, dict, dict]:
    names = {r.id: r.name for r in session.exec(select(t.TechnicianRow)).all()}
    clients = {r.id: r.timezone for r in session.exec(select(t.ClientRow)).all()}
    rotations = {r.id: r.timezone for r in session.exec(select(t.RotationRow)).all()}
    return names, clients, rotations


def _oncall_rows(session: Session, plan_id: int) -> list[t.PlanOnCallRow]:
    q = select(t.PlanOnCallRow).where(t.PlanOnCallRow.plan_id == plan_id)
    return list(session.exec(q.order_by(t.PlanOnCallRow.start, t.PlanOnCallRow.rotation)).all())


CSV_RESPONSE = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSE = {200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/{plan_id}/export.csv", response_class=Response, responses=CSV_RESPONSE,
            summary="A plan's shifts as CSV (local times with offsets)")
def export_csv(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
) -> Response:
    get_plan(session, plan_id)
    names, zones, _r = _lookups(session)
    rows = export.assignment_rows(_assignments(session, plan_id), names, zones)
    return Response(
        export.to_csv(rows, export.ASSIGNMENT_COLUMNS), media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.csv"'},
    )


@router.get("/{plan_id}/export.xlsx", response_class=Response, responses=XLSX_RESPONSE,
            summary="A plan as an Excel workbook (shifts, on-call, coverage)")
def export_xlsx(
    _: StaffUser,
    session: SessionDep,
    plan_id: PlanId,
) -> Response:
    plan = get_plan(session, plan_id)
    names, zones, rot_zones = _lookups(session)
    coverage = [[r[c] for c in export.COVERAGE_COLUMNS] for r in plan.coverage or []]
    data = export.to_xlsx(plan, {
        "Shifts": (export.ASSIGNMENT_COLUMNS,
                   export.assignment_rows(_assignments(session, plan_id), names, zones)),
        "On-call": (export.ONCALL_COLUMNS,
                    export.oncall_rows(_oncall_rows(session, plan_id), names, rot_zones)),
        "Coverage": (export.COVERAGE_COLUMNS, coverage),
    })
    return Response(
        data, media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="plan-{plan_id}.xlsx"'},
    )
