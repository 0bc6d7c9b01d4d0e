"""Solve jobs: a pool of worker processes that plan, report progress and store plans.

A job never runs in a request thread. The request stores a ``queued`` job row and
hands the scenario to :class:`JobRunner`; a worker process marks it ``running``,
writes the best objective, bound and elapsed time to the row as the solver finds
them, polls the row's ``cancel_requested`` flag as the solver's stop condition,
and finally stores a draft plan. A worker that dies (crash, ``kill -9``) breaks
the pool: every job it held is marked failed with the reason and a fresh pool is
started. At server start, jobs left unfinished by a previous server are failed.

A worker writes to its job only while the row says ``running`` under its own
process id (compare-and-set), so a result computed after a restarted server failed
the job is dropped, plan included; a watchdog thread ends a worker whose server
process is gone. A failed job's ``error`` holds no traceback or server path (the
traceback goes to the server log).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
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


def user_message(exc: BaseException) -> str:
    """What a failed job tells its user: the planner's own message for bad data, else a
    generic line (no traceback, no server paths; the details are in the server log)."""
    from planner.compile import CompileError

    if isinstance(exc, CompileError):
        return f"the scenario cannot be planned: {exc}"[:2000]
    return (f"internal error while solving ({type(exc).__name__}); the details are in the "
            "server log")


def _still_ours(job: t.SolveJobRow | None) -> bool:
    return (job is not None and job.status == t.JobStatus.running.value
            and job.worker_pid == os.getpid())


def _set_mine(engine: Engine, job_id: int, **values) -> bool:
    """Update job ``job_id`` only while it runs under this worker process."""
    q = update(t.SolveJobRow).where(
        t.SolveJobRow.id == job_id, t.SolveJobRow.status == t.JobStatus.running.value,
        t.SolveJobRow.worker_pid == os.getpid())
    with engine.begin() as conn:
        return conn.execute(q.values(**values)).rowcount > 0


def _watch_parent(parent: int, every: float = 1.0) -> None:
    """End this worker process when the server that started it is gone.

    A worker left behind by a killed server would solve on, using CPU and writing to
    jobs the restarted server has failed; its parent id changes when the server dies.
    """
    while True:
        time.sleep(every)
        if os.getppid() != parent:
            os._exit(70)


def worker_init(parent: int) -> None:
    """Pool-process initializer: start the parent watchdog."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="rota-parent-watch").start()


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
        from api.daytwo import REPORT_KINDS, replan_outcome, run_report  # day two (issue 11)

        if options.get("kind") in REPORT_KINDS:  # explain / robustness: a report, no plan
            return run_report(engine, job_id, scenario, options)
        last_write = [0.0]
        cancelled = [False]
        last_poll = [0.0]

        def on_progress(p) -> None:
            now = time.monotonic()
            if now - last_write[0] >= PROGRESS_EVERY:
                last_write[0] = now
                _set_mine(engine, job_id, elapsed=p.elapsed, objective=p.objective, bound=p.bound)

        def stop() -> bool:
            now = time.monotonic()
            if not cancelled[0] and now - last_poll[0] >= PROGRESS_EVERY:
                last_poll[0] = now
                with Session(engine) as s:
                    row = s.get(t.SolveJobRow, job_id)
                    # stop too when the job is no longer ours (failed by a restarted server)
                    cancelled[0] = bool(row is None or row.cancel_requested
                                        or row.status != t.JobStatus.running.value
                                        or row.worker_pid != os.getpid())
            return cancelled[0]

        solve_options = SolveOptions(
            time_limit=options["time_limit"], workers=options["workers"],
            seed=options["seed"], on_progress=on_progress, stop=stop,
        )
        if options.get("kind") == "replan":  # the staged re-plan, its own patience
            outcome = replan_outcome(scenario, solve_options, options)
        else:
            outcome = plan_scenario(scenario, solve_options)
        result = outcome.result
        with Session(engine) as session:
            # FOR UPDATE: hold the row while the plan is stored, so that a restarted
            # server failing it now waits and sees the final status
            job = session.get(t.SolveJobRow, job_id, with_for_update=True)
            if not _still_ours(job):
                log.warning("solve job %s is no longer held by worker %s: result dropped",
                            job_id, os.getpid())
                return "not ours"
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
            # compare-and-set: the final write counts only if the job is still running
            # under this worker (else the plan just added is rolled back with it)
            done = session.execute(
                update(t.SolveJobRow)
                .where(t.SolveJobRow.id == job_id,
                       t.SolveJobRow.status == t.JobStatus.running.value,
                       t.SolveJobRow.worker_pid == os.getpid())
                .values(**final)
            ).rowcount
            if not done:
                session.rollback()
                log.warning("solve job %s was finished elsewhere: result dropped", job_id)
                return "not ours"
            session.commit()
            return final["status"]
    except Exception as e:  # noqa: BLE001 - any failure must end up on the job row
        # the traceback stays in the server log; the user gets a message without paths
        log.exception("solve job %s failed", job_id)
        _set_mine(engine, job_id, status=t.JobStatus.failed.value, finished_at=t.utcnow(),
                  error=user_message(e))
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
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=worker_init, initargs=(os.getpid(),),
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
                log.error("solve job %s failed", job_id, exc_info=exc)
                reason = user_message(exc)
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
