"""Claiming solve jobs from the database: compare-and-set, per-team limit, leases.

The database is the truth about a job, the broker only says "there is work": a worker
holding a message claims the *fairest* queued job (see :func:`claim_next`), so a
message delivered twice never runs a job twice nor re-runs a finished one. A claim
is a lease (``lease_expires_at``) that the worker renews while it solves
(:func:`renew`); a job whose lease ran out lost its worker (crash, ``kill -9``, lost
machine) and :func:`reap_expired` puts it back in the queue once, then fails it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection, Engine

from api import tables as t

MAX_ATTEMPTS = 2
"""A job runs at most twice: its first claim and one retry after its worker was lost."""
TEAM_KEY = t.SolveJobRow.team_id
"""The column the per-team solve limit counts by: the job's team."""
LOST = ("its worker stopped renewing the lease on each of its {n} attempts "
        "(crashed, killed or cut off); last worker {worker}")


@dataclass(frozen=True)
class Claim:
    """A job held by one worker process: ``token`` is written to the row's ``worker``."""

    job_id: int
    token: str
    attempt: int


def new_token() -> str:
    """A claim token: the host and process id (for people) and a nonce (for uniqueness)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _lock_claims(conn: Connection) -> None:
    """Serialise claims: the per-team count and the update must see each other's claims.

    PostgreSQL: a transaction-scoped advisory lock (claims are a few per solve, so one
    lock for all is cheap). SQLite: a write statement takes the database's write lock
    at once, before the count is read (the first statement of the transaction).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7426001)"))
    else:
        conn.execute(update(t.SolveJobRow).where(t.SolveJobRow.id == -1).values(worker=""))


def _running_per_team():
    return (select(TEAM_KEY.label("team"), func.count().label("n"))
            .where(t.SolveJobRow.status == t.JobStatus.running.value)
            .group_by(TEAM_KEY).subquery())


def claim_next(engine: Engine, team_limit: int, lease_seconds: float,
               token: str | None = None) -> Claim | None:
    """Claim the fairest queued job whose team runs fewer than ``team_limit`` solves.

    Fairness: the team with the fewest running solves goes first, then the oldest job;
    so a team that queued a hundred jobs gets one slot in turn with the others, and a
    job over its team's limit waits queued (it is not refused). Returns None when no
    job can start now. Only jobs whose scenario is stored (``payload``) are claimed.
    """
    token = token or new_token()
    running = _running_per_team()
    n = func.coalesce(running.c.n, 0)
    with engine.begin() as conn:
        _lock_claims(conn)
        job_id = conn.execute(
            select(t.SolveJobRow.id)
            .outerjoin(running, running.c.team == TEAM_KEY)
            .where(t.SolveJobRow.status == t.JobStatus.queued.value, n < team_limit,
                   # the row is committed before its scenario is stored: wait for it
                   t.SolveJobRow.payload.is_not(None))
            .order_by(n, t.SolveJobRow.id).limit(1)
        ).scalar()
        if job_id is None:
            return None
        return _take(conn, job_id, token, lease_seconds)


def claim(engine: Engine, job_id: int, lease_seconds: float | None = None,
          token: str | None = None) -> Claim | None:
    """Claim job ``job_id`` if it is still queued (no team limit: the in-process pool)."""
    with engine.begin() as conn:
        return _take(conn, job_id, token or new_token(), lease_seconds)


def _take(conn: Connection, job_id: int, token: str, lease_seconds: float | None) -> Claim | None:
    now = t.utcnow()
    lease = None if lease_seconds is None else now + dt.timedelta(seconds=lease_seconds)
    done = conn.execute(
        update(t.SolveJobRow)
        .where(t.SolveJobRow.id == job_id, t.SolveJobRow.status == t.JobStatus.queued.value)
        .values(status=t.JobStatus.running.value, started_at=now, worker=token,
                worker_pid=os.getpid(), lease_expires_at=lease,
                attempts=t.SolveJobRow.attempts + 1)
    ).rowcount
    if not done:
        return None
    attempt = conn.execute(select(t.SolveJobRow.attempts)
                           .where(t.SolveJobRow.id == job_id)).scalar_one()
    return Claim(job_id, token, attempt)


def mine(claim: Claim):
    """The WHERE clause of a write that counts only while ``claim`` holds its job."""
    return (t.SolveJobRow.id == claim.job_id,
            t.SolveJobRow.status == t.JobStatus.running.value,
            t.SolveJobRow.worker == claim.token)


def set_mine(engine: Engine, claim: Claim, **values) -> bool:
    """Update the job of ``claim`` only while the claim holds it (compare-and-set)."""
    with engine.begin() as conn:
        return conn.execute(update(t.SolveJobRow).where(*mine(claim)).values(**values)).rowcount > 0


def renew(engine: Engine, claim: Claim, lease_seconds: float) -> bool:
    """Push the lease of ``claim`` forward; False when the job is no longer ours."""
    return set_mine(engine, claim, lease_expires_at=t.utcnow() + dt.timedelta(seconds=lease_seconds))


def reap_expired(engine: Engine) -> tuple[list[int], list[int]]:
    """Requeue the running jobs whose lease ran out (once), fail those already retried.

    Returns (requeued ids, ended ids: failed, or cancelled when a cancel was asked). Jobs of the in-process pool hold no lease and
    are left alone (their server fails them when it restarts).
    """
    now = t.utcnow()
    expired = (t.SolveJobRow.status == t.JobStatus.running.value,
               t.SolveJobRow.lease_expires_at.is_not(None),
               t.SolveJobRow.lease_expires_at < now)
    requeued, failed = [], []
    with engine.begin() as conn:
        rows = conn.execute(select(t.SolveJobRow.id, t.SolveJobRow.attempts, t.SolveJobRow.worker,
                                   t.SolveJobRow.cancel_requested).where(*expired)).all()
        for job_id, attempts, worker, cancel in rows:
            if cancel:  # its user no longer wants it: no retry
                values = dict(status=t.JobStatus.cancelled.value, finished_at=now,
                              lease_expires_at=None)
                bucket = failed
            elif attempts < MAX_ATTEMPTS:
                values = dict(status=t.JobStatus.queued.value, worker="", worker_pid=None,
                              lease_expires_at=None)
                bucket = requeued
            else:
                values = dict(status=t.JobStatus.failed.value, finished_at=now,
                              lease_expires_at=None,
                              error=LOST.format(n=attempts, worker=worker.rsplit(":", 1)[0]))
                bucket = failed
            # compare-and-set on the worker too: a renewal that just landed wins
            if conn.execute(update(t.SolveJobRow).where(
                    t.SolveJobRow.id == job_id, t.SolveJobRow.worker == worker, *expired)
                    .values(**values)).rowcount:
                bucket.append(job_id)
    return requeued, failed
