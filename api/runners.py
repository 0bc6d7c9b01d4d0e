"""The job-runner interface, and the choice between its two implementations.

Every job kind (solves, re-plans and what-ifs) goes through ``app.state.jobs.submit``
after storing its ``queued`` row. Without ``ROTA_BROKER_URL`` the server solves in its
own process pool (``api.jobs.JobRunner``, the embedded default); with it, the server
only enqueues (:class:`CeleryRunner`) and ``rota worker`` processes solve
(``api.worker``).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.engine import Engine

from planner.domain import Scenario
from api import tables as t
from api.job_run import scenario_payload
from api.settings import Settings

log = logging.getLogger(__name__)
UNREACHABLE = "the job queue (broker) could not be reached: the job was not queued"


class Runner(Protocol):
    """What the API needs of a job runner."""

    jobs_end_with_server: bool
    """True when jobs run inside the server (a restarted server fails those left over)."""

    def submit(self, job_id: int, scenario: Scenario, options: dict) -> Any:
        """Run job ``job_id`` (its row exists, ``queued``) on ``scenario``."""

    def shutdown(self) -> None:
        """Stop taking jobs (the server is stopping)."""


class CeleryRunner:
    """Stores the scenario on the job row and sends one message per job to the broker."""

    jobs_end_with_server = False

    def __init__(self, engine: Engine, broker_url: str) -> None:
        from api.worker import make_celery

        self.engine = engine
        self.celery = make_celery(broker_url)

    def submit(self, job_id: int, scenario: Scenario, options: dict) -> None:
        from api.worker import QUEUE, TASK

        with self.engine.begin() as conn:
            conn.execute(update(t.SolveJobRow).where(t.SolveJobRow.id == job_id)
                         .values(payload=scenario_payload(scenario)))
        try:
            self.celery.send_task(TASK, args=[job_id], queue=QUEUE, retry=True,
                                  retry_policy={"max_retries": 3, "interval_start": 0.2,
                                                "interval_step": 0.5})
        except Exception:  # noqa: BLE001 - kombu raises several kinds; the job must say it
            log.exception("solve job %s could not be queued", job_id)
            with self.engine.begin() as conn:
                conn.execute(update(t.SolveJobRow)
                             .where(t.SolveJobRow.id == job_id,
                                    t.SolveJobRow.status == t.JobStatus.queued.value)
                             .values(status=t.JobStatus.failed.value, error=UNREACHABLE,
                                     finished_at=t.utcnow()))

    def shutdown(self) -> None:
        self.celery.close()


def enqueue(engine: Engine, runner: Runner, scenario: Scenario, options: dict,
            team_id: int = 1, name: str = "") -> int:
    """Store a queued job of team ``team_id`` that solves ``scenario``, hand it to
    ``runner``; returns its id (for scripts and tests: the routes add who asked and the
    horizon)."""
    from sqlmodel import Session

    with Session(engine) as session:
        job = t.SolveJobRow(team_id=team_id, name=name, options=options,
                            horizon_start=scenario.horizon.start,
                            horizon_days=scenario.horizon.days, created_at=t.utcnow())
        session.add(job)
        session.commit()
        job_id = job.id
    runner.submit(job_id, scenario, options)
    return job_id


def make_runner(settings: Settings, engine: Engine) -> Runner:
    """The runner ``settings`` ask for: Celery with a broker URL, else the process pool."""
    if settings.broker_url:
        return CeleryRunner(engine, settings.broker_url)
    from api.jobs import JobRunner

    return JobRunner(engine, str(engine.url.render_as_string(hide_password=False)),
                     settings.workers, settings.team_solve_limit)
