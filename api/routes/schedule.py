"""A technician's published schedule (JSON, iCalendar) and who is on call now."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from sqlmodel import Session, func, select

from planner.validation import MAX_HORIZON_DAYS, check_date
from api import tables as t
from api.auth import may_read_schedule
from api.cache import cached_read
from api.deps import Reader, StaffUser, SessionDep
from api.errors import not_found
from api.teams import team_session
from api.ical import build_calendar
from api.routes.crud import ERRORS
from api.schemas.common import Day
from api.schemas.plans import AssignmentPublic, OnCallContact, OnCallNow, OnCallPublic, Schedule

router = APIRouter(tags=["schedules"], responses=ERRORS)
PUBLISHED = t.PlanStatus.published.value
FEED_PAST_DAYS = 60
"""How far back a calendar feed reaches (calendar apps keep what they already have)."""


def published_schedule(
    session: Session, technician: str, start: dt.date | None, end: dt.date | None
) -> tuple[list[t.PlanAssignmentRow], list[t.PlanOnCallRow]]:
    """The technician's shifts and on-call periods in published plans, by date range."""
    A, O, P = t.PlanAssignmentRow, t.PlanOnCallRow, t.PlanRow
    qa = select(A).join(P, P.id == A.plan_id).where(P.status == PUBLISHED, A.technician == technician)
    qo = select(O).join(P, P.id == O.plan_id).where(P.status == PUBLISHED, O.technician == technician)
    if start:
        qa = qa.where(A.date >= start)
        qo = qo.where(O.end > dt.datetime.combine(start, dt.time(), dt.timezone.utc) - dt.timedelta(days=1))
    if end:
        qa = qa.where(A.date <= end)
        qo = qo.where(O.start < dt.datetime.combine(end, dt.time(), dt.timezone.utc) + dt.timedelta(days=2))
    return (list(session.exec(qa.order_by(A.start)).all()),
            list(session.exec(qo.order_by(O.start)).all()))


A_FIELDS = tuple(AssignmentPublic.model_fields)
O_FIELDS = tuple(OnCallPublic.model_fields)


def _pick(row, fields: tuple[str, ...]) -> dict:
    return {f: getattr(row, f) for f in fields}


def _technician(session: Session, tid: str) -> t.TechnicianRow:
    row = session.get(t.TechnicianRow, tid)
    if row is None:
        raise not_found("technician", tid)
    return row


@router.get("/technicians/{technician_id}/schedule", response_model=Schedule,
            responses={304: {"description": "Not modified (If-None-Match matched the ETag)"}},
            summary="A technician's published shifts and on-call periods (default: next 8 weeks)")
async def schedule(
    caller: Reader,
    request: Request,
    technician_id: str = Path(min_length=1, max_length=64),
    start: Day | None = None,
    end: Day | None = None,
) -> Schedule:
    # async, no session: a cached read costs one query on the event loop (api.callers);
    # only a miss goes to the thread pool to query and render
    may_read_schedule(caller, technician_id)
    start = start or dt.date.today()
    end = end or start + dt.timedelta(days=55)
    if end < start:
        raise HTTPException(422, detail=[{"loc": ["query", "end"], "msg": "end is before start",
                                          "type": "value_error"}])
    if (end - start).days >= MAX_HORIZON_DAYS:
        raise HTTPException(422, detail=[{
            "loc": ["query", "end"], "type": "value_error",
            "msg": f"ask for at most {MAX_HORIZON_DAYS} days at a time"}])
    engine, team_id = request.app.state.engine, caller.team_id

    def render() -> bytes:
        with team_session(engine, team_id) as session:
            _technician(session, technician_id)
            a, o = published_schedule(session, technician_id, start, end)
            # rows from the database are already valid: build without re-validation and send
            # the JSON directly (this is the most read route; validating twice doubled its cost)
            body = Schedule.model_construct(
                technician=technician_id, start=start, end=end,
                assignments=[AssignmentPublic.model_construct(**_pick(r, A_FIELDS)) for r in a],
                oncall=[OnCallPublic.model_construct(**_pick(r, O_FIELDS)) for r in o],
            )
        return body.model_dump_json().encode()

    # authorised above: the cache is keyed by whose schedule it is (api.cache): the team
    # and its technician id (two teams may each have a T01)
    return await cached_read(request, ("schedule", team_id, technician_id, start, end), caller.stamp,
                             render, "application/json", "private, no-cache")


ICS = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}},
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}


async def _feed(request: Request, people: list[tuple[int, str]], stamp: int | None) -> Response:
    """The feed of one person: their technician ids in one or several teams, [(team id,
    technician id)], which the caller may read (checked by the caller). A person shared
    by several teams gets every team's published duties in one feed."""
    since = dt.date.today() - dt.timedelta(days=FEED_PAST_DAYS)
    host = request.url.hostname or "rota"
    engine = request.app.state.engine

    def render() -> bytes:
        shifts, oncall, zones, names, rot_zones = [], [], {}, {}, {}
        technician, last = None, None
        for team_id, technician_id in people:
            with team_session(engine, team_id) as session:  # each team's rows in turn
                try:
                    row = _technician(session, technician_id)
                except HTTPException:
                    if len(people) == 1:
                        raise
                    continue  # a link to a technician its team no longer has
                technician = technician or row
                a, o = published_schedule(session, row.id, since, None)
                shifts += a
                oncall += o
                published = session.exec(select(func.max(t.PlanRow.published_at))
                                         .where(t.PlanRow.status == PUBLISHED)).one()
                last = max(filter(None, (last, published)), default=None)
                for c in session.exec(select(t.ClientRow)).all():
                    zones[c.id], names[c.id] = c.timezone, c.name
                for r in session.exec(select(t.RotationRow)).all():
                    rot_zones[r.id] = r.timezone
        if technician is None:
            raise not_found("technician", people[0][1])
        return build_calendar(
            technician, sorted(shifts, key=lambda r: r.start), sorted(oncall, key=lambda r: r.start),
            client_zones=zones, client_names=names, rotation_zones=rot_zones, host=host,
            stamp=last,
        )

    # calendar applications poll: let them revalidate cheaply
    return await cached_read(request, ("ics", tuple(people), since, host), stamp, render,
                             "text/calendar; charset=utf-8", "private, max-age=300")


@router.get("/technicians/{technician_id}/schedule.ics", response_class=Response, responses=ICS,
            summary="A technician's schedule as iCalendar (bearer token)")
async def schedule_ics(
    caller: Reader,
    request: Request,
    technician_id: str = Path(min_length=1, max_length=64),
) -> Response:
    may_read_schedule(caller, technician_id)
    return await _feed(request, [(caller.team_id, technician_id)], caller.stamp)


@router.get("/calendar/{token}.ics", response_class=Response, responses=ICS,
            summary="A person's calendar feed at their secret URL (no login: the URL is the key)")
async def calendar_feed(
    request: Request,
    token: str = Path(min_length=1, max_length=128),
) -> Response:
    # only the secret's digest is stored; the owner and the stamp in one query (api.callers)
    owner = request.app.state.callers.by_calendar_secret(token)
    if owner is None or not owner.people:
        raise HTTPException(404, detail="unknown calendar")
    try:
        return await _feed(request, owner.people, owner.stamp)
    except HTTPException as e:  # the linked technician is gone
        if e.status_code == 404:
            raise HTTPException(404, detail="unknown calendar") from None
        raise


def _contact(session: Session, duty: t.PlanOnCallRow | None) -> OnCallContact | None:
    """Name, phone and e-mail of the person on a duty, and nothing else of theirs."""
    if duty is None:
        return None
    tech = session.get(t.TechnicianRow, duty.technician)
    if tech is None:
        return OnCallContact(name=duty.technician)
    return OnCallContact(name=tech.name or tech.id, phone=tech.phone, email=tech.email)


@router.get("/oncall/now", response_model=list[OnCallNow],
            summary="Who is on call now, and next, per client and role, with how to reach them "
                    "(published plans; coordinators and managers)")
def oncall_now(
    _: StaffUser,
    session: SessionDep,
    client: str | None = Query(None, max_length=64),
    at: dt.datetime | None = Query(None, description="instant to ask about (default: now)"),
) -> list[OnCallNow]:
    when = at or dt.datetime.now(dt.timezone.utc)
    if when.tzinfo is None:
        raise HTTPException(422, detail=[{"loc": ["query", "at"], "msg": "give a time zone offset",
                                          "type": "value_error"}])
    try:  # the year bounds of every date; 9999-12-31T23:59-14:00 cannot even become UTC
        check_date(when.date())
    except ValueError as e:
        raise HTTPException(422, detail=[{"loc": ["query", "at"], "msg": str(e),
                                          "type": "value_error"}]) from None
    if client and session.get(t.ClientRow, client) is None:
        raise not_found("client", client)
    O, P = t.PlanOnCallRow, t.PlanRow
    out = []
    for rot in session.exec(select(t.RotationRow).order_by(t.RotationRow.id)).all():
        served = [c for c in sorted(rot.clients or []) if not client or c == client]
        if not served:
            continue
        roles = ["primary", "backup"] if rot.backup else ["primary"]
        for role in roles:
            base = select(O).join(P, P.id == O.plan_id).where(
                P.status == PUBLISHED, O.rotation == rot.id, O.role == role)
            now = session.exec(base.where(O.start <= when, O.end > when)).first()
            nxt = session.exec(base.where(O.start > when).order_by(O.start)).first()
            for c in served:
                out.append(OnCallNow(
                    client=c, rotation=rot.id, role=role,
                    now=OnCallPublic.from_row(now) if now else None,
                    next=OnCallPublic.from_row(nxt) if nxt else None,
                    now_contact=_contact(session, now), next_contact=_contact(session, nxt),
                ))
    return out
