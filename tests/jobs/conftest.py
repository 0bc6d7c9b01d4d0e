"""Fixtures of the distributed-job tests: PostgreSQL, Redis and real ``rota worker``s.

They run when both ``ROTA_TEST_POSTGRES_URL`` and ``ROTA_TEST_BROKER_URL`` (a Redis
database, e.g. ``redis://127.0.0.1:6379/15``; it is emptied) are set, as ``.ci/run``
does; otherwise they are deselected, like the other PostgreSQL tests. The tables live in
their own PostgreSQL schema, so the API tests' database is left alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from planner.domain import Scenario
from planner.generate import generate_scenario
from api.db import make_engine, upgrade

from .helpers import empty_tables, wait_for

POSTGRES_URL = os.environ.get("ROTA_TEST_POSTGRES_URL", "")
BROKER_URL = os.environ.get("ROTA_TEST_BROKER_URL", "")
SCHEMA = "rota_jobs_test"
ROTA = Path(sys.executable).with_name("rota")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL and BROKER_URL:
        return
    dropped = [i for i in items if i.get_closest_marker("broker")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if not i.get_closest_marker("broker")]


@dataclass
class JobsDb:
    url: str
    engine: Engine


@pytest.fixture(scope="session")
def _jobs_database() -> Iterator[JobsDb]:
    base = make_engine(POSTGRES_URL)
    with base.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    base.dispose()
    url = (make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
           .render_as_string(hide_password=False))
    upgrade(url)
    engine = make_engine(url)
    yield JobsDb(url, engine)
    engine.dispose()


@pytest.fixture
def jobs_db(_jobs_database: JobsDb) -> JobsDb:
    """The jobs' PostgreSQL database, emptied before the test."""
    empty_tables(_jobs_database.engine)
    return _jobs_database


@pytest.fixture
def broker() -> str:
    """The test broker's Redis database, emptied before the test."""
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    client.close()
    return BROKER_URL


@dataclass
class Workers:
    """``rota worker`` processes (each the leader of its own process group)."""

    db: JobsDb
    broker: str
    logs: Path
    env: dict = field(default_factory=dict)
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(self, n: int = 1, **settings: str) -> list[subprocess.Popen]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ROTA_")}
        env.update({"DATABASE_URL": self.db.url, "ROTA_BROKER_URL": self.broker,
                    "ROTA_WORKER_CONCURRENCY": "1", "ROTA_CPSAT_WORKERS": "1",
                    "ROTA_LEASE_SECONDS": "2", "ROTA_TEAM_SOLVE_LIMIT": "2", **self.env,
                    **settings})
        started = []
        for _ in range(n):
            log = self.logs / f"worker{len(self.procs)}.log"
            proc = subprocess.Popen([str(ROTA), "worker"], env=env, stdout=log.open("wb"),
                                    stderr=subprocess.STDOUT, start_new_session=True)
            proc.log = log  # type: ignore[attr-defined]
            self.procs.append(proc)
            started.append(proc)
        for proc in started:
            wait_for(lambda p=proc: b" ready." in p.log.read_bytes(), 60,
                     f"worker {proc.pid} did not start: see {proc.log}")
        return started

    def holding(self, claim_token: str) -> subprocess.Popen:
        """The worker whose process runs the claim ``claim_token`` (``host:pid:nonce``)."""
        pid = int(claim_token.split(":")[1])
        group = os.getpgid(pid)
        return next(p for p in self.procs if p.pid == group)

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL the worker's main process only (its pool process must notice alone)."""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(10)


@pytest.fixture
def workers(jobs_db: JobsDb, broker: str, tmp_path: Path) -> Iterator[Workers]:
    w = Workers(jobs_db, broker, tmp_path)
    yield w
    w.stop_all()


@pytest.fixture(scope="session")
def long_scenario() -> Scenario:
    """Four weeks of a small generated team: a search that uses its whole time limit."""
    return generate_scenario(20, 4, 0)


@pytest.fixture
def submit(jobs_db: JobsDb, broker: str):
    """Store a queued job of ``team`` (its team id) and enqueue it; returns its id."""
    from api.runners import CeleryRunner, enqueue

    runner = CeleryRunner(jobs_db.engine, broker)

    def _submit(scenario: Scenario, time_limit: float, team: int = 1) -> int:
        options = {"time_limit": time_limit, "workers": 1, "seed": 0}
        return enqueue(jobs_db.engine, runner, scenario, options, team_id=team)

    _submit.runner = runner  # type: ignore[attr-defined]
    yield _submit
    runner.shutdown()
