"""Solve jobs: a pool of worker processes that plan, report progress and store plans.

A job never runs in a request thread. The request stores a ``queued`` job row and
hands the scenario to :class:`JobRunner`; a worker process marks it ``running``,
writes the best objective, bound and elapsed time to the row as the solver finds
them, polls the row's ``cancel_requested`` flag as the solver's stop condition,
and finally stores a draft plan. A worker that dies (crash, ``kill -9``) breaks
the pool: every job it held is marked failed with the reason and a fresh pool is
started. At server start, jobs left unfinished by a previous server are failed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from planner.domain import Scenario
from api import tables as t
from api.db import make_engine
from api.plans import save_outcome

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5
"""Seconds between two progress writes (and two cancellation polls) of a worker."""


def _set(engine: Engine, job_id: int, only_unfinished: bool = True, **values) -> bool:
    """Update job ``job_id``; with ``only_unfinished`` leave finished jobs alone."""
    q = update(t.SolveJobRow).where(t.SolveJobRow.id == job_id)
    if only_unfinished:
        q = q.where(t.SolveJobRow.status.in_(t.UNFINISHED))
    with engine.begin() as conn:
        return conn.execute(q.values(**values)).rowcount > 0


def fail_unfinished(engine: Engine, reason: str) -> int:
    """Mark every queued or running job failed with ``reason``; returns how many."""
    with engine.begin() as conn:
        return conn.execute(
            update(t.SolveJobRow)
            .where(t.SolveJobRow.status.in_(t.UNFINISHED))
            .values(status=t.JobStatus.failed.value, error=reason, finished_at=t.utcnow())
        ).rowcount


def run_job(database_url: str, job_id: int, scenario: Scenario, options: dict) -> str:
    """Worker-process body: solve job ``job_id`` and store its plan; returns the final status.

    Errors inside the solve are caught and stored on the job; only the death of the
    process itself is left to the pool's owner.
    """
    from planner.pipeline import plan_scenario  # heavy import, only in workers
    from solver.result import SolveOptions

    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:  # queued -> running, unless cancelled meanwhile
            claimed = conn.execute(
                update(t.SolveJobRow)
                .where(t.SolveJobRow.id == job_id, t.SolveJobRow.status == t.JobStatus.queued.value)
                .values(status=t.JobStatus.running.value, started_at=t.utcnow(), worker_pid=os.getpid())
            ).rowcount
        if not claimed:
            return "not queued"
        last_write = [0.0]
        cancelled = [False]
        last_poll = [0.0]

        def on_progress(p) -> None:
            now = time.monotonic()
            if now - last_write[0] >= PROGRESS_EVERY:
                last_write[0] = now
                _set(engine, job_id, elapsed=p.elapsed, objective=p.objective, bound=p.bound)

        def stop() -> bool:
            now = time.monotonic()
            if not cancelled[0] and now - last_poll[0] >= PROGRESS_EVERY:
                last_poll[0] = now
                with Session(engine) as s:
                    row = s.get(t.SolveJobRow, job_id)
                    cancelled[0] = bool(row and row.cancel_requested)
            return cancelled[0]

        solve_options = SolveOptions(
            time_limit=options["time_limit"], workers=options["workers"],
            seed=options["seed"], on_progress=on_progress, stop=stop,
        )
        if options.get("patience"):  # re-plans: stop once no better plan comes
            from planner.replan.run import with_patience

            solve_options = with_patience(solve_options, float(options["patience"]))
        outcome = plan_scenario(scenario, solve_options)
        result = outcome.result
        with Session(engine) as session:
            job = session.get(t.SolveJobRow, job_id)
            final = {
                "elapsed": result.wall_seconds,
                "objective": result.objective,
                "bound": result.best_bound,
                "finished_at": t.utcnow(),
            }
            if result.status in ("optimal", "feasible"):
                plan = save_outcome(session, job, outcome)
                final["plan_id"] = plan.id
                final["status"] = (
                    t.JobStatus.cancelled.value if job.cancel_requested else t.JobStatus.succeeded.value
                )
            elif job.cancel_requested:
                final["status"] = t.JobStatus.cancelled.value
            else:
                final["status"] = t.JobStatus.failed.value
                final["error"] = f"the solver found no plan (status {result.status})"
            for k, v in final.items():
                setattr(job, k, v)
            session.add(job)
            session.commit()
            return job.status
    except Exception as e:  # noqa: BLE001 - any failure must end up on the job row
        log.exception("solve job %s failed", job_id)
        _set(engine, job_id, status=t.JobStatus.failed.value, finished_at=t.utcnow(),
             error=f"{type(e).__name__}: {e}"[:2000] + "\n" + traceback.format_exc()[-2000:])
        return t.JobStatus.failed.value
    finally:
        engine.dispose()


class JobRunner:
    """The server's pool of solve worker processes."""

    def __init__(self, engine: Engine, database_url: str, workers: int) -> None:
        self.engine = engine
        self.database_url = database_url
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: the server has threads (uvicorn, SQLAlchemy pools); fork would copy them
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
                )
            return self._pool

    def submit(self, job_id: int, scenario: Scenario, options: dict) -> Future:
        """Queue job ``job_id`` (its row must exist, status ``queued``)."""
        pool = self._get_pool()
        try:
            future = pool.submit(run_job, self.database_url, job_id, scenario, options)
        except BrokenProcessPool:
            self._drop(pool)
            future = self._get_pool().submit(run_job, self.database_url, job_id, scenario, options)
        future.add_done_callback(lambda f, pool=pool: self._done(job_id, pool, f))
        return future

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def _done(self, job_id: int, pool: ProcessPoolExecutor, future: Future) -> None:
        if future.cancelled():
            reason = "the server stopped before the job ran"
        else:
            exc = future.exception()
            if exc is None:
                return
            if isinstance(exc, BrokenProcessPool):
                reason = "the solve worker process died (crashed or was killed)"
                self._drop(pool)
            else:
                reason = f"{type(exc).__name__}: {exc}"
        log.warning("solve job %s failed: %s", job_id, reason)
        _set(self.engine, job_id, status=t.JobStatus.failed.value, error=reason,
             finished_at=t.utcnow())

    def shutdown(self) -> None:
        """Stop the pool; running jobs are failed by the next server start."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            # a running solve may last minutes: end its process instead of waiting for it
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
