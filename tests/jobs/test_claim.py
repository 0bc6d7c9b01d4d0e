"""The claim of solve jobs without workers: compare-and-set, per-team limit and fairness,
lease reaping, the worker's time-limit guard, the stored scenario (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from sqlmodel import Session

from planner.domain import Assignment, Plan
from planner.generate import generate_scenario
from planner.replan.run import with_baseline
from api import tables as t
from api import job_run
from api.db import head_revision, make_engine, upgrade
from planner.exit_codes import ExitCode
from api.job_claim import LOST, claim, claim_next, reap_expired, renew
from api.job_run import payload_scenario, scenario_payload

from .helpers import empty_tables


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path) -> Iterator:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rota.db'}"
        upgrade(url)
        eng = make_engine(url)
    else:
        eng = request.getfixturevalue("_jobs_database").engine
    empty_tables(eng)
    yield eng
    if request.param == "sqlite":
        eng.dispose()


def add(engine, team: int, status: str = "queued", **values) -> int:
    values.setdefault("payload", {"stored": True})
    with Session(engine) as s:
        job = t.SolveJobRow(status=status, team_id=team, horizon_start=dt.date(2027, 7, 5),
                            horizon_days=7, options={}, created_at=t.utcnow(), **values)
        s.add(job)
        s.commit()
        return job.id


def row(engine, job_id: int) -> t.SolveJobRow:
    with Session(engine) as s:
        return s.get(t.SolveJobRow, job_id)


def test_the_team_with_fewer_running_solves_goes_first(engine):
    add(engine, team=1, status="running")
    old = add(engine, team=1)
    new = add(engine, team=2)
    first = claim_next(engine, team_limit=2, lease_seconds=30)
    assert first.job_id == new  # team 2 runs nothing: before team 1's older job
    assert claim_next(engine, team_limit=2, lease_seconds=30).job_id == old


def test_a_job_over_its_teams_limit_waits_queued(engine):
    add(engine, team=1, status="running")
    waiting = add(engine, team=1)
    assert claim_next(engine, team_limit=1, lease_seconds=30) is None
    assert row(engine, waiting).status == "queued"
    other = add(engine, team=2)
    assert claim_next(engine, team_limit=1, lease_seconds=30).job_id == other


def test_a_job_is_not_claimed_before_its_scenario_is_stored(engine):
    job_id = add(engine, team=1, payload=None)
    assert claim_next(engine, team_limit=2, lease_seconds=30) is None
    with engine.begin() as conn:  # what CeleryRunner.submit writes next
        conn.execute(update(t.SolveJobRow).where(t.SolveJobRow.id == job_id)
                     .values(payload={"stored": True}))
    assert claim_next(engine, team_limit=2, lease_seconds=30).job_id == job_id


def test_a_claim_is_taken_once_and_never_of_a_finished_job(engine):
    job_id = add(engine, team=1)
    held = claim(engine, job_id, lease_seconds=30)
    assert held is not None and held.attempt == 1
    assert claim(engine, job_id, lease_seconds=30) is None
    assert row(engine, job_id).worker == held.token
    done = add(engine, team=1, status="succeeded")
    assert claim(engine, done) is None
    assert claim_next(engine, team_limit=5, lease_seconds=30) is None


def test_concurrent_claims_never_pass_the_teams_limit(engine):
    for _ in range(6):
        add(engine, team=1)
    got: list = []
    barrier = threading.Barrier(6)

    def grab() -> None:
        barrier.wait()
        got.append(claim_next(engine, team_limit=2, lease_seconds=30))

    threads = [threading.Thread(target=grab) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    claims = [c for c in got if c is not None]
    assert len(got) == 6 and len(claims) == 2
    assert len({c.job_id for c in claims}) == 2


def test_expired_leases_are_retried_once_then_failed(engine):
    past = t.utcnow() - dt.timedelta(seconds=5)
    first = add(engine, team=1, status="running", attempts=1, worker="a:1:x",
                lease_expires_at=past)
    second = add(engine, team=1, status="running", attempts=2, worker="b:2:y",
                 lease_expires_at=past)
    cancelled = add(engine, team=1, status="running", attempts=1, worker="c:3:z",
                    lease_expires_at=past, cancel_requested=True)
    alive = add(engine, team=1, status="running", attempts=1, worker="d:4:w",
                lease_expires_at=t.utcnow() + dt.timedelta(seconds=30))
    in_process = add(engine, team=1, status="running", attempts=1, worker="e:5:v")
    requeued, ended = reap_expired(engine)
    assert requeued == [first] and sorted(ended) == sorted([second, cancelled])
    assert (row(engine, first).status, row(engine, first).worker) == ("queued", "")
    assert row(engine, second).status == "failed"
    assert row(engine, second).error == LOST.format(n=2, worker="b:2")
    assert row(engine, cancelled).status == "cancelled"
    assert row(engine, alive).status == row(engine, in_process).status == "running"
    # the retried job's next claim is its second and last attempt
    assert claim_next(engine, team_limit=5, lease_seconds=30).attempt == 2


def test_a_lost_lease_cannot_be_renewed(engine):
    job_id = add(engine, team=1)
    held = claim(engine, job_id, lease_seconds=1)
    assert renew(engine, held, 30)
    with engine.begin() as conn:  # the reaper handed it on meanwhile
        conn.execute(update(t.SolveJobRow).where(t.SolveJobRow.id == job_id)
                     .values(status="queued", worker=""))
    assert not renew(engine, held, 30)


def test_the_worker_stops_a_search_past_its_time_limit(engine, monkeypatch):
    monkeypatch.setattr(job_run, "STOP_GRACE", 0.0)
    held = claim(engine, add(engine, team=1))
    watch = job_run._Watch(engine, held, time_limit=0.0, lease_seconds=None, hard_exit=False)
    assert watch.stop() and not watch.cancelled
    fresh = job_run._Watch(engine, held, time_limit=60.0, lease_seconds=None, hard_exit=False)
    assert not fresh.stop()


def test_a_replans_scenario_survives_the_job_row():
    scenario = generate_scenario(12, 1, 0)
    tz = dt.timezone.utc
    duty = Assignment(technician=scenario.technicians[0].id, date=dt.date(2027, 7, 5),
                      shift="day", client=scenario.clients[0].id, skill="fr",
                      start=dt.datetime(2027, 7, 5, 7, tzinfo=tz),
                      end=dt.datetime(2027, 7, 5, 15, tzinfo=tz))
    sc = with_baseline(scenario, Plan(assignments=(duty,)), dt.datetime(2027, 7, 6, tzinfo=tz),
                       24, 3)
    assert payload_scenario(scenario_payload(sc)) == sc


def test_an_unreachable_broker_fails_the_job_with_the_reason(engine):
    from api.runners import UNREACHABLE, CeleryRunner

    job_id = add(engine, team=1)
    runner = CeleryRunner(engine, "redis://127.0.0.1:1/0")  # nothing listens there
    try:
        runner.submit(job_id, generate_scenario(12, 1, 0), {})
    finally:
        runner.shutdown()
    failed = row(engine, job_id)
    assert (failed.status, failed.error) == ("failed", UNREACHABLE)
    assert failed.payload is not None


def test_rota_worker_refuses_without_a_broker_or_an_unmigrated_database(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.delenv("ROTA_BROKER_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    r = CliRunner().invoke(app, ["worker", "--database-url", url])
    assert r.exit_code == ExitCode.bad_input and "no broker: set ROTA_BROKER_URL" in r.output
    r = CliRunner().invoke(app, ["worker", "--database-url", url,
                                 "--broker-url", "redis://127.0.0.1:1/0"])
    assert r.exit_code == ExitCode.unavailable
    assert f"the database is at schema revision None, not {head_revision()}" in r.output
