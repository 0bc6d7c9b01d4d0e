"""Storing solve outcomes as plan versions, and the publication rules.

A solve always creates a new *draft*; publishing a draft supersedes the published
plans whose horizon overlaps it; a published or superseded plan never changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from api import tables as t
from api.errors import conflict, not_found
from api.mapping import plan_to_rows


def _plain(value: Any) -> Any:
    """JSON-ready copy of dataclasses, mappings, dates."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def save_outcome(session: Session, job: t.SolveJobRow, outcome: Any) -> t.PlanRow:
    """Store ``outcome`` (a ``planner.pipeline.PlanOutcome``) as a draft plan of ``job``."""
    result, report = outcome.result, outcome.report
    row = t.PlanRow(
        team_id=job.team_id,
        name=job.name or f"solve job {job.id}",
        status=t.PlanStatus.draft.value,
        horizon_start=job.horizon_start,
        horizon_days=job.horizon_days,
        job_id=job.id,
        created_by=job.created_by,
        created_at=t.utcnow(),
        options=job.options,
        solver_status=result.status,
        objective=result.objective,
        best_bound=result.best_bound,
        checked_objective=report.objective,
        wall_seconds=result.wall_seconds,
        penalties=_plain(report.penalties),
        violations=_plain(report.violations),
        fairness=_plain(report.fairness),
        coverage=_plain(report.coverage),
    )
    session.add(row)
    session.flush()
    session.add_all(plan_to_rows(outcome.plan, row.id, job.team_id))
    return row


def get_plan(session: Session, plan_id: int) -> t.PlanRow:
    row = session.get(t.PlanRow, plan_id)
    if row is None:
        raise not_found("plan", plan_id)
    return row


def ensure_draft(plan: t.PlanRow) -> None:
    """409 unless ``plan`` is a draft (published and superseded plans are immutable)."""
    if plan.status != t.PlanStatus.draft.value:
        raise conflict(f"plan {plan.id} is {plan.status} and can no longer be changed")


def horizon_end(plan: t.PlanRow) -> dt.date:
    return plan.horizon_start + dt.timedelta(days=plan.horizon_days - 1)


def publish(session: Session, plan: t.PlanRow, user: t.UserRow) -> list[int]:
    """Publish draft ``plan``; returns the ids of the plans it superseded (caller commits).

    409 when it breaks hard rules, or when a shared technician's duty in it now clashes
    with their duties in another team's published plan (:mod:`api.busy`).
    """
    from api.busy import publish_conflicts
    from api.mapping import rows_to_plan

    ensure_draft(plan)
    if plan.violations:
        raise conflict(
            f"plan {plan.id} breaks {len(plan.violations)} hard rules and cannot be published"
        )
    if session.get_bind().dialect.name == "postgresql":
        # one publication at a time: two teams publishing at once must see each other's
        # plans (SQLite serialises writers anyway)
        session.execute(text("SELECT pg_advisory_xact_lock(7426002)"))
    clashes = publish_conflicts(session, plan, rows_to_plan(session, plan.id))
    if clashes:
        more = f" (and {len(clashes) - 5} more)" if len(clashes) > 5 else ""
        raise conflict(f"plan {plan.id} cannot be published: " + "; ".join(clashes[:5]) + more)
    superseded = []
    for other in session.exec(
        select(t.PlanRow).where(t.PlanRow.status == t.PlanStatus.published.value)
    ).all():
        if other.horizon_start <= horizon_end(plan) and horizon_end(other) >= plan.horizon_start:
            other.status = t.PlanStatus.superseded.value
            session.add(other)
            superseded.append(other.id)
    plan.status = t.PlanStatus.published.value
    plan.published_by = user.id
    plan.published_at = t.utcnow()
    session.add(plan)
    return superseded
