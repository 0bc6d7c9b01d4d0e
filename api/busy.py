"""Shared technicians: their duties in other teams' published plans as busy time.

**Who is the same person.** One user account (``app_user``) with a technician
membership in several teams (``team_member.technician_id``, one per team) is one
person. Team A calls them ``T01``, team B ``X07``: nothing else (name, e-mail) is
compared. Linking an account into a second team is a manager's decision under the
trust model of :func:`api.routes.users.add_member` (docs/architecture.md, Teams).

**What counts.** When a team's scenario is compiled (solve, re-plan, explain, who can
cover, swap check, robustness: every path goes through :func:`team_scenario`),
``Scenario.busy`` holds each shared person's shifts in the *published* plans of their
other teams, on the dates of the horizon widened by :data:`MARGIN` on both sides (rest
and weekly-hours rules reach across the horizon's edges), under this team's technician
id. Drafts and superseded plans of other teams do not count; nor does this team's own
plan; nor do on-call periods (availability, not worked time).

What the planner makes of ``busy`` (rest, one shift a day, hours) is the planner's
business (``planner/compile.py``, ``planner/check``). :func:`publish_conflicts` adds the
check made when a plan is published: none of its shifts may overlap in time a duty the
same person holds in another team's currently published plan, none of its on-call
periods an on-call period of theirs in another team (409 otherwise), and the checker's
verdict with ``busy`` filled must be no worse than without it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from planner.domain import BusyDuty, Horizon, Plan, Scenario
from api import tables as t
from api.mapping import rows_to_scenario
from api.teams import ALL_TEAMS

MARGIN = dt.timedelta(days=7)
"""How far before and after the horizon other teams' duties are read."""


def shared_people(session: Session, team_id: int) -> list[tuple[str, int, str, str, str]]:
    """[(technician id here, other team id, other team slug, technician id there,
    username)] of the team's technicians who are technicians in other teams too."""
    me, other = aliased(t.MembershipRow), aliased(t.MembershipRow)
    rows = session.exec(
        select(me.technician_id, other.team_id, t.TeamRow.slug, other.technician_id,
               t.UserRow.username)
        .join(other, (other.user_id == me.user_id) & (other.team_id != me.team_id))
        .join(t.TeamRow, t.TeamRow.id == other.team_id)
        .join(t.UserRow, t.UserRow.id == me.user_id)
        .where(me.team_id == team_id, me.technician_id.is_not(None),
               other.technician_id.is_not(None))
        .order_by(me.technician_id, other.team_id)).all()
    return [tuple(r) for r in rows]


def busy_duties(session: Session, team_id: int, horizon: Horizon) -> tuple[BusyDuty, ...]:
    """The shared people's shifts in other teams' published plans around ``horizon``,
    under team ``team_id``'s technician ids (see the module's docstring)."""
    lo, hi = horizon.start - MARGIN, horizon.end + MARGIN
    A, P, S = t.PlanAssignmentRow, t.PlanRow, t.ShiftTypeRow
    out: list[BusyDuty] = []
    for here, other_team, slug, there, _user in shared_people(session, team_id):
        rows = session.exec(
            select(A, S.paid_minutes, S.night)
            .join(P, P.id == A.plan_id)
            .outerjoin(S, (S.team_id == A.team_id) & (S.id == A.shift))
            .where(A.team_id == other_team, P.team_id == other_team,
                   P.status == t.PlanStatus.published.value, A.technician == there,
                   A.date >= lo, A.date <= hi)
            .order_by(A.start)
            .execution_options(**ALL_TEAMS)).all()
        for a, paid, night in rows:
            out.append(BusyDuty(
                technician=here, date=a.date, start=a.start, end=a.end, paid_minutes=paid,
                night=bool(night) if night is not None else a.start.date() != a.end.date(),
                label=f"team {slug}: shift {a.shift}"))
    return tuple(out)


def with_busy(session: Session, scenario: Scenario, team_id: int) -> Scenario:
    """``scenario`` with its ``busy`` duties filled (technicians it lacks are left out)."""
    known = {x.id for x in scenario.technicians}
    busy = tuple(b for b in busy_duties(session, team_id, scenario.horizon)
                 if b.technician in known)
    if not busy and not scenario.busy:
        return scenario
    return scenario.model_copy(update={"busy": busy})


def team_scenario(session: Session, horizon: Horizon | None = None) -> Scenario:
    """The session's team's scenario (over ``horizon``) with the shared people's busy
    time: what every solve, re-plan and what-if of the API compiles."""
    scenario = rows_to_scenario(session, horizon)
    return with_busy(session, scenario, session.info["team_id"])


def overlaps(plan: Plan, busy: tuple[BusyDuty, ...]) -> dict[tuple[str, dt.date], list[str]]:
    """The plan's shifts that overlap in time a busy duty of the same technician, by
    (technician, date)."""
    by_tech: dict[str, list[BusyDuty]] = defaultdict(list)
    for b in busy:
        by_tech[b.technician].append(b)
    out: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for a in plan.assignments:
        for b in by_tech.get(a.technician, ()):
            if a.start < b.end and b.start < a.end:
                out[a.technician, a.date].append(
                    f"technician {a.technician} would work {a.shift} for {a.client} "
                    f"on {a.date} ({a.start:%H:%M}-{a.end:%H:%M} UTC) but holds a "
                    f"published duty then in {b.label} on {b.date} "
                    f"({b.start:%Y-%m-%d %H:%M}-{b.end:%H:%M} UTC)")
    return out


def oncall_clashes(session: Session, team_id: int, plan: Plan) -> list[str]:
    """The plan's on-call periods that overlap an on-call period the same person holds
    in another team's published plan (one person cannot answer two teams' phones: on-call
    is not busy *time*, so it is checked here, not given to the planner)."""
    O, P = t.PlanOnCallRow, t.PlanRow
    mine: dict[str, list] = defaultdict(list)
    for o in plan.oncall:
        mine[o.technician].append(o)
    out = []
    for here, other_team, slug, there, _user in shared_people(session, team_id):
        if here not in mine:
            continue
        lo = min(o.start for o in mine[here])
        hi = max(o.end for o in mine[here])
        rows = session.exec(
            select(O).join(P, P.id == O.plan_id)
            .where(O.team_id == other_team, P.team_id == other_team,
                   P.status == t.PlanStatus.published.value, O.technician == there,
                   O.start < hi, O.end > lo)
            .execution_options(**ALL_TEAMS)).all()
        for o in mine[here]:
            for b in rows:
                if o.start < b.end and b.start < o.end:
                    out.append(f"technician {here} would be on call ({o.role}, {o.rotation}) "
                               f"from {o.start:%Y-%m-%d %H:%M} UTC but is on call then in team "
                               f"{slug} ({b.role}, {b.rotation}, {b.start:%Y-%m-%d %H:%M} to "
                               f"{b.end:%Y-%m-%d %H:%M} UTC)")
    return out


def publish_conflicts(session: Session, plan_row: t.PlanRow, plan: Plan) -> list[str]:
    """Why ``plan`` (of the session's team) may not be published now because of its
    shared people's duties in other teams' published plans (empty: it may)."""
    from planner.check import check

    team_id = session.info["team_id"]
    if not shared_people(session, team_id):
        return []
    horizon = Horizon(start=plan_row.horizon_start, days=plan_row.horizon_days)
    scenario = rows_to_scenario(session, horizon)
    busy_sc = with_busy(session, scenario, team_id)
    found = oncall_clashes(session, team_id, plan)
    if not busy_sc.busy:
        return found
    clashes = overlaps(plan, busy_sc.busy)
    found += [m for messages in clashes.values() for m in messages]
    # the checker's verdict with the busy time, beyond its verdict without it and beyond
    # the clashes already named (the same double booking is said once)
    before = {(v.rule, v.technician, v.date) for v in check(scenario, plan).violations}
    found += [f"{v.message} (against another team's published plan)"
              for v in check(busy_sc, plan).violations
              if (v.rule, v.technician, v.date) not in before
              and (v.technician, v.date) not in clashes]
    return found
