"""Solve jobs on Celery workers (``rota worker``), with Redis (or any Celery broker).

The API stores the job row (with the scenario to solve as JSON) and sends one message
per job; a message only says "there is work": the worker that takes it claims the
fairest queued job in the database (``api.job_claim.claim_next``) and runs it
(``api.job_run.run_claimed``). So:

- at-least-once delivery: messages are acknowledged after the task ends
  (``acks_late``) and given back when a worker process is lost; a message delivered
  twice finds nothing to claim, never a job twice nor a finished job;
- a job over its team's solve limit waits queued: a worker that ends a solve sends one
  more message while jobs wait, so the freed slot is taken;
- each worker process renews its job's lease; the main process of every worker reaps
  the jobs whose lease ran out (``reap_expired``): requeued once with a fresh message,
  then failed with the reason; and it sends a message when jobs wait while the broker
  holds none (messages lost with a restarted broker).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading

from celery import Celery, signals
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api import tables as t
from api.db import make_engine
from api.job_claim import Claim, claim_next, reap_expired, set_mine
from api.job_run import payload_scenario, run_claimed
from api.settings import Settings

log = logging.getLogger(__name__)
QUEUE = "rota.solve"
TASK = "rota.solve"
VISIBILITY_TIMEOUT = 3600
"""Seconds after which Redis gives an unacknowledged message to another worker (a
message whose whole worker was killed); the job itself is recovered sooner, by its lease."""

_settings: Settings | None = None
_engines: dict[int, Engine] = {}


def settings() -> Settings:
    """The worker's settings (those given to :func:`start_worker`, else the environment)."""
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


def engine() -> Engine:
    """This process's engine (a forked worker process never uses its parent's)."""
    pid = os.getpid()
    if pid not in _engines:
        _engines[pid] = make_engine(settings().database_url)
    return _engines[pid]


def make_celery(broker_url: str) -> Celery:
    """The Celery application of Rota's solve jobs (the API's and the workers')."""
    app = Celery("rota", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a waiting message stays in the broker for others
        task_ignore_result=True,  # results live on the job row
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK, bind=True)(work)
    return app


def work(task, job_id: int | None = None) -> str:
    """Task body: claim the fairest queued job that can start, and run it.

    ``job_id`` names the job the message was sent for (logs only: the claim picks the
    fairest job). When queued jobs remain, one more message is sent before the task
    ends (and so before its message is acknowledged): the slot this job frees may be
    the one a job over its team's limit waits for, whose own message may be consumed.
    """
    s, eng = settings(), engine()
    held = claim_next(eng, s.team_solve_limit, s.lease_seconds)
    if held is None:
        return "nothing to claim"
    log.info("solve job %s claimed by %s (attempt %d, message for job %s)",
             held.job_id, held.token, held.attempt, job_id)
    status = run_one(eng, held, s)
    log.info("solve job %s: %s", held.job_id, status)
    if queued(eng):
        task.app.send_task(TASK, args=[None], queue=QUEUE)
    return status


def queued(eng: Engine) -> bool:
    with Session(eng) as session:
        return session.exec(select(t.SolveJobRow.id).where(
            t.SolveJobRow.status == t.JobStatus.queued.value).limit(1)).first() is not None


def run_one(eng: Engine, held: Claim, s: Settings) -> str:
    """Run the job of ``held`` from its stored scenario; the options' CP-SAT workers are
    capped by ``ROTA_CPSAT_WORKERS``."""
    with Session(eng) as session:
        job = session.get(t.SolveJobRow, held.job_id)
        payload, options = job.payload, dict(job.options or {})
    try:
        scenario = payload_scenario(payload or {})
    except ValueError as e:
        log.error("solve job %s has no valid stored scenario: %s", held.job_id, e)
        set_mine(eng, held, status=t.JobStatus.failed.value, finished_at=t.utcnow(),
                 lease_expires_at=None, error="the job's stored scenario is missing or invalid")
        return t.JobStatus.failed.value
    if s.cpsat_workers:
        options["workers"] = min(int(options.get("workers") or 1), s.cpsat_workers)
    return run_claimed(eng, held, scenario, options, lease_seconds=s.lease_seconds,
                       hard_exit=True)


def reap(app: Celery) -> tuple[list[int], list[int]]:
    """One pass of the lease reaper: requeued jobs get a fresh message."""
    requeued, ended = reap_expired(engine())
    for job_id in requeued:
        log.warning("solve job %s lost its worker (lease expired): queued again", job_id)
        app.send_task(TASK, args=[job_id], queue=QUEUE)
    for job_id in ended:
        log.warning("solve job %s lost its worker again (lease expired): ended", job_id)
    return requeued, ended


def nudge(app: Celery) -> bool:
    """Send one message when jobs have waited a lease long while the broker holds none.

    Messages can be lost with a broker restarted without persistence; the jobs are in the
    database. A job waiting for its team's slot costs a no-op claim per pass, no more.
    """
    cutoff = t.utcnow() - dt.timedelta(seconds=settings().lease_seconds)
    with Session(engine()) as session:
        waiting = session.exec(select(t.SolveJobRow.id).where(
            t.SolveJobRow.status == t.JobStatus.queued.value,
            t.SolveJobRow.created_at < cutoff).limit(1)).first()
    if waiting is None:
        return False
    with app.connection_for_write() as conn:
        if conn.default_channel.queue_declare(QUEUE).message_count:
            return False
    log.warning("solve jobs wait but the broker holds no message: sending one")
    app.send_task(TASK, args=[waiting], queue=QUEUE)
    return True


def _reaper(app: Celery, stop: threading.Event) -> None:
    every = max(0.5, settings().lease_seconds / 3)
    while not stop.wait(every):
        try:
            reap(app)
            nudge(app)
        except Exception:  # noqa: BLE001 - a database blip must not end the reaper
            log.exception("lease reaper pass failed")


def _on_process_init(**_kw) -> None:
    """A new worker process: end it when its worker's main process is gone (SIGKILL),
    so an orphan never solves on and renews a lease nobody can take over."""
    from api.jobs import worker_init

    _engines.clear()  # the parent's connections are not ours
    worker_init(os.getppid())


def start_worker(s: Settings, loglevel: str = "info") -> None:
    """Run a Celery worker in this process (``rota worker``) until it is stopped."""
    global _settings
    _settings = s
    app = make_celery(s.broker_url)
    stop = threading.Event()

    def ready(**_kw) -> None:  # after the pool's processes are forked
        threading.Thread(target=_reaper, args=(app, stop), daemon=True,
                         name="rota-lease-reaper").start()

    signals.worker_process_init.connect(_on_process_init, weak=False)
    signals.worker_ready.connect(ready, weak=False)
    try:
        app.worker_main(["worker", f"--concurrency={s.worker_concurrency}", "--pool=prefork",
                         f"--loglevel={loglevel}", "-Q", QUEUE, "--without-gossip",
                         "--without-mingle", "--without-heartbeat",
                         f"--hostname=rota-{os.getpid()}@%h"])
    finally:
        stop.set()
