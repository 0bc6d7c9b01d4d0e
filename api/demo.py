"""``rota demo``: import the demo scenario into the database, plan it and store the plan."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from api import tables as t
from api.db import make_engine, upgrade
from api.plans import save_outcome
from api.scenarios import import_scenario
from planner.outputs import write_plan_folder
from planner.scenario_files import load_scenario


def default_demo_folder() -> Path:
    """``data/demo`` of the source tree (the package is installed in editable mode)."""
    return Path(__file__).resolve().parents[1] / "data" / "demo"


def run_demo(database_url: str, folder: Path, out: Path, plan, options_kwargs: dict):
    """Import ``folder`` (replacing the stored scenario), plan it, store a draft plan.

    ``plan`` is the function that solves with a progress display
    (``planner.cli.plan_with_progress``). Returns (summary dict, plan id).
    """
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        import_scenario(engine, folder, replace=True)
        scenario = load_scenario(folder)
        with Session(engine) as session:
            job = t.SolveJobRow(
                name=f"demo: {scenario.name}",
                status=t.JobStatus.running.value,
                horizon_start=scenario.horizon.start,
                horizon_days=scenario.horizon.days,
                options=dict(options_kwargs),
                created_at=t.utcnow(),
                started_at=t.utcnow(),
            )
            session.add(job)
            session.commit()
            session.refresh(job)
            outcome, options = plan(scenario, scenario.name or folder.name, options_kwargs)
            result = outcome.result
            job.elapsed, job.objective, job.bound = (
                result.wall_seconds, result.objective, result.best_bound)
            job.finished_at = t.utcnow()
            plan_id = None
            if result.status.has_plan:
                row = save_outcome(session, job, outcome)
                session.flush()
                plan_id = job.plan_id = row.id
                job.status = t.JobStatus.succeeded.value
            else:
                job.status = t.JobStatus.failed.value
                job.error = f"the solver found no plan (status {result.status})"
            session.add(job)
            session.commit()
        data = write_plan_folder(out, scenario, outcome, options)
        return data, plan_id
    finally:
        engine.dispose()
