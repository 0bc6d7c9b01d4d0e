"""Running one claimed solve job: progress, cancel, time limit, lease, the final write.

Written once for every runner (the in-process pool of ``api/jobs.py`` and the Celery
workers of ``api/worker.py``); :func:`finish_values` is also what ``rota demo`` stores.
A worker writes to its job only while the row says ``running`` under its claim
(compare-and-set), so a result computed after the job was failed or handed to another
worker is dropped, plan included.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from planner.domain import Scenario
from api import tables as t
from api.job_claim import Claim, mine, renew, set_mine
from api.daytwo import REPORT_KINDS, replan_outcome, report_json
from api.plans import save_outcome

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5
"""Seconds between two progress writes (and two cancellation polls) of a worker."""
STOP_GRACE = 2.0
"""Seconds past its time limit after which the worker asks the search to stop."""
REPORT_TIME_LIMIT = 600.0
"""Seconds an explain or robustness job may take (no search to stop: the guards below
end it)."""
HARD_GRACE = 60.0
"""Seconds past its time limit after which a Celery worker fails the job and ends the
process (a search that ignores its stop request, a check that never ends)."""


def scenario_payload(scenario: Scenario) -> dict:
    """``scenario`` as the JSON stored on a job row for out-of-process workers."""
    return scenario.model_dump(mode="json")


def payload_scenario(payload: dict) -> Scenario:
    return Scenario.model_validate(payload)


def user_message(exc: BaseException) -> str:
    """What a failed job tells its user: the planner's own message for bad data, else a
    generic line (no traceback, no server paths; the details are in the server log)."""
    from planner.compile import CompileError

    if isinstance(exc, CompileError):
        return f"the scenario cannot be planned: {exc}"[:2000]
    return (f"internal error while solving ({type(exc).__name__}); the details are in the "
            "server log")


def finish_values(session: Session, job: t.SolveJobRow, outcome: Any, cancelled: bool) -> dict:
    """The final column values of ``job`` whose solve ended with ``outcome``.

    A plan found is stored as a draft (in ``session``, not committed), cancelled or not;
    the scenario stored for the workers is dropped (the plan row keeps what it needs).
    """
    result = outcome.result
    final: dict[str, Any] = {"elapsed": result.wall_seconds, "objective": result.objective,
                             "bound": result.best_bound, "finished_at": t.utcnow(),
                             "lease_expires_at": None, "payload": None}
    if result.status.has_plan:
        final["plan_id"] = save_outcome(session, job, outcome).id
        final["status"] = (t.JobStatus.cancelled if cancelled else t.JobStatus.succeeded).value
    elif cancelled:
        final["status"] = t.JobStatus.cancelled.value
    else:
        final["status"] = t.JobStatus.failed.value
        final["error"] = f"the solver found no plan (status {result.status})"
    return final


def report_values(session: Session, job: t.SolveJobRow, report: dict) -> dict:
    """The final column values of an explain/robustness ``job``; its report is added to
    ``session`` (not committed) as a :class:`~api.tables.JobReportRow`."""
    options = job.options or {}
    session.add(t.JobReportRow(job_id=job.id, team_id=job.team_id, plan_id=int(options["plan_id"]),
                               kind=options["kind"], body=report, created_at=t.utcnow()))
    done = t.JobStatus.cancelled if job.cancel_requested else t.JobStatus.succeeded
    return {"status": done.value, "finished_at": t.utcnow(), "lease_expires_at": None,
            "payload": None}


class _Watch:
    """Progress writes, the cancel poll, the time-limit guard and the lease heartbeat."""

    def __init__(self, engine: Engine, claim: Claim, time_limit: float,
                 lease_seconds: float | None, hard_exit: bool) -> None:
        self.engine, self.claim, self.time_limit = engine, claim, time_limit
        self.lease_seconds, self.hard_exit = lease_seconds, hard_exit
        self.started = time.monotonic()
        self.stopped = False
        self.cancelled = False
        self._last_write = self._last_poll = 0.0
        self._done = threading.Event()
        if lease_seconds:
            threading.Thread(target=self._heartbeat, daemon=True, name="rota-lease").start()

    def on_progress(self, p) -> None:
        now = time.monotonic()
        if now - self._last_write >= PROGRESS_EVERY:
            self._last_write = now
            set_mine(self.engine, self.claim, elapsed=p.elapsed, objective=p.objective,
                     bound=p.bound)

    def stop(self) -> bool:
        now = time.monotonic()
        if now - self.started > self.time_limit + STOP_GRACE:
            self.stopped = True
        if not self.stopped and now - self._last_poll >= PROGRESS_EVERY:
            self._last_poll = now
            with Session(self.engine) as s:
                row = s.get(t.SolveJobRow, self.claim.job_id)
                self.cancelled = bool(row is not None and row.cancel_requested)
                # stop too when the job is no longer ours (failed by a restarted server,
                # handed to another worker after our lease ran out)
                self.stopped = bool(self.cancelled or row is None
                                    or row.status != t.JobStatus.running.value
                                    or row.worker != self.claim.token)
        return self.stopped

    def _heartbeat(self) -> None:
        every = max(0.2, self.lease_seconds / 3)
        while not self._done.wait(every):
            over = time.monotonic() - self.started - self.time_limit
            if self.hard_exit and over > HARD_GRACE:
                set_mine(self.engine, self.claim, status=t.JobStatus.failed.value,
                         finished_at=t.utcnow(), lease_expires_at=None,
                         error=f"the solve overran its time limit of {self.time_limit:g} s by "
                               f"more than {HARD_GRACE:g} s: its worker process was ended")
                log.error("solve job %s overran its time limit: ending the worker process",
                          self.claim.job_id)
                os._exit(71)
            if not renew(self.engine, self.claim, self.lease_seconds):
                self.stopped = True
                return

    def close(self) -> None:
        self._done.set()


def run_claimed(engine: Engine, claim: Claim, scenario: Scenario, options: dict,
                lease_seconds: float | None = None, hard_exit: bool = False) -> str:
    """Solve the job held by ``claim`` and store its plan; returns the final status.

    ``lease_seconds``: renew the claim's lease while solving (distributed workers).
    ``hard_exit``: end this process when the solve overruns its time limit by
    :data:`HARD_GRACE` (only where a supervisor replaces the process). Errors inside
    the solve are stored on the job; the traceback goes to the log.
    """
    from planner.pipeline import plan_scenario  # heavy import, only in workers
    from solver.result import SolveOptions

    kind = options.get("kind")
    limit = float(options.get("time_limit", REPORT_TIME_LIMIT))
    watch = _Watch(engine, claim, limit, lease_seconds, hard_exit)
    try:
        report = outcome = None
        if kind in REPORT_KINDS:  # explain / robustness (day two): a report, no plan
            report = report_json(engine, scenario, options)
        else:
            solve_options = SolveOptions(
                time_limit=limit, workers=options["workers"], seed=options["seed"],
                on_progress=watch.on_progress, stop=watch.stop,
            )
            if kind == "replan":  # the staged re-plan, with its own patience
                outcome = replan_outcome(scenario, solve_options, options)
            else:
                outcome = plan_scenario(scenario, solve_options)
        watch.close()
        with Session(engine) as session:
            # FOR UPDATE: hold the row while the plan is stored, so that whoever fails it
            # now waits and sees the final status
            job = session.get(t.SolveJobRow, claim.job_id, with_for_update=True)
            if job is None or job.status != t.JobStatus.running.value or job.worker != claim.token:
                log.warning("solve job %s is no longer held by %s: result dropped",
                            claim.job_id, claim.token)
                return "not ours"
            if report is None:
                final = finish_values(session, job, outcome, bool(job.cancel_requested))
            else:
                final = report_values(session, job, report)
            # compare-and-set: the final write counts only if the claim still holds the
            # job (else the plan just added is rolled back with it)
            if not session.execute(update(t.SolveJobRow).where(*mine(claim))
                                   .values(**final)).rowcount:
                session.rollback()
                log.warning("solve job %s was finished elsewhere: result dropped", claim.job_id)
                return "not ours"
            session.commit()
            return final["status"]
    except Exception as e:  # noqa: BLE001 - any failure must end up on the job row
        log.exception("solve job %s failed", claim.job_id)
        set_mine(engine, claim, status=t.JobStatus.failed.value, finished_at=t.utcnow(),
                 lease_expires_at=None, error=user_message(e))
        return t.JobStatus.failed.value
    finally:
        watch.close()
