"""``rota demo``: import the demo scenario into the database, plan it and store the plan."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from api import tables as t
from api.db import make_engine, upgrade
from api.job_run import finish_values
from api.scenarios import import_scenario
from api.teams import scope
from planner.outputs import write_plan_folder
from planner.scenario_files import load_scenario


def default_demo_folder() -> Path:
    """``data/demo`` of the source tree (the package is installed in editable mode)."""
    return Path(__file__).resolve().parents[1] / "data" / "demo"


def run_demo(database_url: str, folder: Path, out: Path, plan, options_kwargs: dict,
             team: str | None = None):
    """Import ``folder`` (replacing the team's stored scenario), plan it, store a draft plan.

    The team is ``team`` or the database's only one (``default`` in a new database).

    ``plan`` is the function that solves with a progress display
    (``planner.cli.plan_with_progress``). Returns (summary dict, plan id).
    """
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        import_scenario(engine, folder, replace=True, team=team)
        scenario = load_scenario(folder)
        with Session(engine) as session:
            scope(session, team)
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
            for name, value in finish_values(session, job, outcome, cancelled=False).items():
                setattr(job, name, value)  # the job-finish logic of every solve job
            plan_id = job.plan_id
            session.add(job)
            session.commit()
        data = write_plan_folder(out, scenario, outcome, options)
        return data, plan_id
    finally:
        engine.dispose()
