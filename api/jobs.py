"""Solve jobs in the server: the embedded runner, a pool of worker processes.

The default runner (``ROTA_BROKER_URL`` unset); ``api/worker.py`` holds the other one,
Celery workers on any machine (see ``api/runners.py``). Both run a job through
``api/job_run.py``.

A job never runs in a request thread. The request stores a ``queued`` job row and
hands the scenario to :class:`JobRunner`; a worker process marks it ``running``,
writes the best objective, bound and elapsed time to the row as the solver finds
them, polls the row's ``cancel_requested`` flag as the solver's stop condition,
and finally stores a draft plan. A worker that dies (crash, ``kill -9``) breaks
the pool: every job it held is marked failed with the reason and a fresh pool is
started. At server start, jobs left unfinished by a previous server are failed.

Per-team limit: at most ``team_limit`` jobs of one team (``ROTA_TEAM_SOLVE_LIMIT``) are
handed to the pool at once; a team's further jobs wait, queued, in this server process
and start as that team's running jobs end, so one team cannot fill the pool while
another waits. (With ``rota serve --http-workers N`` each process counts its own jobs;
the Celery path counts across every worker in the database, ``api/job_claim.py``.)

A worker writes to its job only while the row says ``running`` under its own
claim (compare-and-set), so a result computed after a restarted server failed
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
from collections import defaultdict, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from planner.domain import Scenario
from api import tables as t
from api.db import make_engine
from api.job_claim import claim
from api.job_run import run_claimed, user_message

log = logging.getLogger(__name__)


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
    """Worker-process body: claim job ``job_id``, solve it and store its plan.

    Returns the final status ("not queued" when the job was cancelled or taken
    meanwhile). Errors inside the solve are stored on the job; only the death of the
    process itself is left to the pool's owner.
    """
    engine = make_engine(database_url)
    try:
        held = claim(engine, job_id)  # queued -> running, unless cancelled meanwhile
        if held is None:
            return "not queued"
        return run_claimed(engine, held, scenario, options)
    finally:
        engine.dispose()


class JobRunner:
    """The server's pool of solve worker processes."""

    jobs_end_with_server = True
    """Jobs live in this server's processes: a restarted server fails those left over."""

    def __init__(self, engine: Engine, database_url: str, workers: int,
                 team_limit: int | None = None) -> None:
        self.engine = engine
        self.database_url = database_url
        self.workers = workers
        self.team_limit = team_limit or workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._running: dict[int, int] = defaultdict(int)
        """Per team: jobs handed to the pool and not yet ended."""
        self._waiting: dict[int, deque] = defaultdict(deque)
        """Per team: (job id, scenario, options, proxy future) over the team's limit."""

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: the server has threads (uvicorn, SQLAlchemy pools); fork would copy them
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=worker_init, initargs=(os.getpid(),),
                )
            return self._pool

    def _team_of(self, job_id: int) -> int:
        with self.engine.connect() as conn:
            team = conn.execute(select(t.SolveJobRow.team_id)
                                .where(t.SolveJobRow.id == job_id)).scalar()
        return team if team is not None else 0

    def submit(self, job_id: int, scenario: Scenario, options: dict) -> Future:
        """Queue job ``job_id`` (its row must exist, status ``queued``); it reaches the
        pool at once unless its team already runs ``team_limit`` jobs here."""
        team = self._team_of(job_id)
        with self._lock:
            if self._running[team] >= self.team_limit:
                proxy: Future = Future()
                self._waiting[team].append((job_id, scenario, options, proxy))
                return proxy
            self._running[team] += 1
        return self._dispatch(team, job_id, scenario, options)

    def _dispatch(self, team: int, job_id: int, scenario: Scenario, options: dict) -> Future:
        try:
            pool = self._get_pool()
            try:
                future = pool.submit(run_job, self.database_url, job_id, scenario, options)
            except BrokenProcessPool:
                self._drop(pool)
                pool = self._get_pool()
                future = pool.submit(run_job, self.database_url, job_id, scenario, options)
        except BaseException:
            self._release(team)
            raise
        future.add_done_callback(lambda f, pool=pool: self._done(job_id, team, pool, f))
        return future

    def _release(self, team: int) -> None:
        """One of ``team``'s jobs ended: start its next waiting job, if any."""
        with self._lock:
            self._running[team] -= 1
            if not self._waiting[team] or self._running[team] >= self.team_limit:
                return
            job_id, scenario, options, proxy = self._waiting[team].popleft()
            self._running[team] += 1
        try:
            future = self._dispatch(team, job_id, scenario, options)
        except BaseException as e:  # noqa: BLE001 - the pool is gone (server stopping)
            proxy.set_exception(e)
            return
        future.add_done_callback(lambda f: _chain(f, proxy))

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def _done(self, job_id: int, team: int, pool: ProcessPoolExecutor, future: Future) -> None:
        try:
            self._report(job_id, pool, future)
        finally:
            self._release(team)

    def _report(self, job_id: int, pool: ProcessPoolExecutor, future: Future) -> None:
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
        """Stop the pool; running and waiting jobs are failed by the next server start."""
        with self._lock:
            pool, self._pool = self._pool, None
            waiting = [w for q in self._waiting.values() for w in q]
            self._waiting.clear()
        for _job, _sc, _opt, proxy in waiting:
            proxy.cancel()
        if pool is not None:
            # a running solve may last minutes: end its process instead of waiting for it
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)


def _chain(source: Future, target: Future) -> None:
    """Give ``target`` (a waiting job's future) the outcome of ``source``."""
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())
