"""What the day-two routes share: a plan with its scenario, storing derived drafts."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError
from sqlmodel import Session

from planner.check import CheckReport
from planner.domain import Horizon, Plan, Scenario
from api import tables as t
from api.errors import conflict
from api.mapping import plan_to_rows, rows_to_plan
from api.plans import _plain, get_plan


def plan_inputs(session: Session, plan_id: int) -> tuple[t.PlanRow, Scenario, Plan]:
    """The plan row, the team's stored scenario over the plan's horizon (with the shared
    people's busy time in other teams, :mod:`api.busy`), and the plan itself."""
    from api.busy import team_scenario

    row = get_plan(session, plan_id)
    try:
        scenario = team_scenario(session, Horizon(start=row.horizon_start,
                                                  days=row.horizon_days))
    except ValidationError as e:
        raise conflict(f"the stored data do not form a valid scenario: "
                       f"{e.errors()[0]['msg']}") from None
    return row, scenario, rows_to_plan(session, plan_id)


def store_draft(session: Session, base: t.PlanRow, plan: Plan, report: CheckReport,
                name: str, user: t.UserRow, options: dict) -> t.PlanRow:
    """Store ``plan`` (checked in ``report``) as a new draft over ``base``'s horizon."""
    row = t.PlanRow(
        name=name, status=t.PlanStatus.draft.value, horizon_start=base.horizon_start,
        horizon_days=base.horizon_days, created_by=user.id, created_at=t.utcnow(),
        options=options, solver_status="edited", objective=report.objective,
        checked_objective=report.objective, wall_seconds=0.0,
        penalties=_plain(report.penalties), violations=_plain(report.violations),
        fairness=_plain(report.fairness), coverage=_plain(report.coverage),
    )
    session.add(row)
    session.flush()
    session.add_all(plan_to_rows(plan, row.id))
    return row


def parse_moment(value: str | None, default: dt.date) -> dt.datetime:
    """An ISO moment stored in plan options (default: ``default`` at 00:00 UTC)."""
    if value:
        try:
            moment = dt.datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment
        except ValueError:
            pass
    return dt.datetime.combine(default, dt.time(0), tzinfo=dt.timezone.utc)


# --- day-two jobs (run by api.jobs.run_job in a worker process) ---------------------

REPORT_KINDS = ("explain", "robustness")
"""Job kinds whose result is a report (``JobReportRow``), not a plan."""


def replan_outcome(scenario: Scenario, solve_options, options: dict):
    """The staged re-plan of a job (``options['kind'] == 'replan'``): ``scenario``
    carries the published plan as its baseline."""
    from planner.replan.run import solve_replan

    patience = options.get("patience")
    return solve_replan(scenario, solve_options, float(patience) if patience else None)


def report_body(kind: str, scenario: Scenario, plan: Plan, options: dict) -> dict:
    """The report of an explain or robustness job, as the API shows it."""
    if kind == "explain":
        from planner.explain import explain_gaps

        gaps = explain_gaps(scenario, plan, contractor_cost=int(options.get("contractor_cost",
                                                                            100)))
        return {"gaps": [g.as_dict() for g in gaps], "total_gaps": len(gaps)}
    from planner.robustness import robustness

    return robustness(scenario, plan).as_dict()


def report_json(engine, scenario: Scenario, options: dict) -> dict:
    """The report of a claimed explain/robustness job, JSON-ready (dates as text); the
    job runner (``api/job_run.py``) stores it with the job's final status."""
    import json

    with Session(engine) as session:
        plan = rows_to_plan(session, int(options["plan_id"]))
    return json.loads(json.dumps(report_body(options["kind"], scenario, plan, options),
                                 default=str))
