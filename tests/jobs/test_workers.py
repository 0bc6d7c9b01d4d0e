"""Solve jobs on two real ``rota worker`` processes, PostgreSQL and Redis: parallel
runs, cancel of a running search, a SIGKILLed worker's job retried once elsewhere then
failed, per-team limits, redelivered messages."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import tables as t
from api.app import create_app
from api.settings import Settings
from api.worker import QUEUE, TASK
from .helpers import finished, job, manager_headers, overlap, plans_of, store, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.broker]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie no longer runs


def running(db, job_id: int) -> t.SolveJobRow:
    return wait_for(lambda: (j := job(db, job_id)).status == "running" and j, 60,
                    f"job {job_id} never ran: {job(db, job_id)}")


def test_two_jobs_run_in_parallel_on_two_workers(workers, submit, jobs_db, long_scenario):
    workers.start(2)
    a = submit(long_scenario, time_limit=4, team=1)
    b = submit(long_scenario, time_limit=4, team=2)
    ja, jb = finished(jobs_db, a), finished(jobs_db, b)
    assert (ja.status, jb.status) == ("succeeded", "succeeded"), (ja, jb)
    assert workers.holding(ja.worker) is not workers.holding(jb.worker)
    assert overlap(ja, jb) > dt.timedelta(seconds=1)
    # each ran longer than its 2 s lease: renewed, never retried
    assert ja.elapsed > 2 and jb.elapsed > 2 and (ja.attempts, jb.attempts) == (1, 1)
    assert ja.objective is not None and ja.bound is not None
    assert [p.id for p in plans_of(jobs_db, a)] == [ja.plan_id]
    assert ja.payload is None  # the stored scenario is dropped once the job ends


def test_cancel_stops_a_running_search_within_two_seconds(workers, jobs_db, broker,
                                                        long_scenario):
    store(jobs_db, long_scenario)
    headers = manager_headers(jobs_db)
    settings = Settings(database_url=jobs_db.url, broker_url=broker, max_time_limit=60)
    workers.start(1)
    with TestClient(create_app(settings, engine=jobs_db.engine)) as client:
        r = client.post("/api/v1/solve-jobs", json={"time_limit": 30, "workers": 1},
                        headers=headers)
        job_id = r.json()["id"]
        # the search is under way: progress is written to the row
        wait_for(lambda: job(jobs_db, job_id).objective is not None, 60, "no progress written")
        asked = t.utcnow()
        r = client.post(f"/api/v1/solve-jobs/{job_id}/cancel", headers=headers)
        assert r.status_code == 202 and r.json()["cancel_requested"]
    done = finished(jobs_db, job_id, timeout=30)
    assert done.status == "cancelled"
    assert done.finished_at - asked < dt.timedelta(seconds=2), done.finished_at - asked
    assert done.plan_id is not None  # a cancelled solve keeps its best plan as a draft


def test_a_killed_workers_job_is_retried_by_the_other(workers, submit, jobs_db, long_scenario):
    workers.start(2)
    job_id = submit(long_scenario, time_limit=6)
    first = running(jobs_db, job_id)
    victim = workers.holding(first.worker)
    time.sleep(1.0)  # mid-search
    workers.kill(victim)
    # its pool process, orphaned, ends by itself instead of solving on
    orphan = int(first.worker.split(":")[1])
    wait_for(lambda: not alive(orphan), 10, f"pool process {orphan} outlived its worker")
    done = finished(jobs_db, job_id, timeout=60)
    assert done.status == "succeeded", done
    assert done.attempts == 2
    assert workers.holding(done.worker) is not victim
    assert [p.id for p in plans_of(jobs_db, job_id)] == [done.plan_id]


def test_a_job_whose_retry_dies_too_is_failed_with_its_reason(workers, submit, jobs_db,
                                                             long_scenario):
    workers.start(2)
    job_id = submit(long_scenario, time_limit=20)
    first = running(jobs_db, job_id)
    workers.kill(workers.holding(first.worker))
    second = wait_for(lambda: (j := job(jobs_db, job_id)).attempts == 2
                      and j.status == "running" and j, 30, "the job was not retried")
    workers.kill(workers.holding(second.worker))
    workers.start(1)  # a fresh worker finds the lease run out a second time
    done = finished(jobs_db, job_id, timeout=30)
    assert done.status == "failed" and done.attempts == 2
    assert done.error.startswith("its worker stopped renewing the lease on each of its 2 attempts")
    assert plans_of(jobs_db, job_id) == []


def test_a_teams_limit_holds_while_another_team_runs_beside(workers, submit, jobs_db,
                                                           long_scenario):
    workers.start(2, ROTA_TEAM_SOLVE_LIMIT="1")
    a1 = submit(long_scenario, time_limit=3, team=1)
    a2 = submit(long_scenario, time_limit=3, team=1)
    b1 = submit(long_scenario, time_limit=3, team=2)
    ja1, ja2, jb1 = (finished(jobs_db, j, timeout=90) for j in (a1, a2, b1))
    assert {ja1.status, ja2.status, jb1.status} == {"succeeded"}
    assert overlap(ja1, ja2) == dt.timedelta(0)  # one team, limit 1: never at once
    assert overlap(jb1, ja1) + overlap(jb1, ja2) > dt.timedelta(seconds=1)


def test_redelivered_messages_never_run_a_job_twice(workers, submit, jobs_db, long_scenario):
    workers.start(2)
    job_id = submit(long_scenario, time_limit=4)
    before = running(jobs_db, job_id)
    send = submit.runner.celery.send_task
    send(TASK, args=[job_id], queue=QUEUE)  # a duplicate while it runs
    done = finished(jobs_db, job_id)
    assert (done.status, done.attempts, done.worker) == ("succeeded", 1, before.worker)
    for _ in range(2):  # and again once it has finished
        send(TASK, args=[job_id], queue=QUEUE)
    import redis

    r = redis.Redis.from_url(workers.broker)
    wait_for(lambda: r.llen(QUEUE) == 0, 30, "the messages were not consumed")
    time.sleep(1.0)
    again = job(jobs_db, job_id)
    assert (again.status, again.attempts, again.started_at, again.plan_id) == (
        "succeeded", 1, done.started_at, done.plan_id)
    assert len(plans_of(jobs_db, job_id)) == 1


def test_the_api_only_enqueues_and_workers_solve(workers, jobs_db, broker, long_scenario):
    store(jobs_db, long_scenario)
    headers = manager_headers(jobs_db)
    settings = Settings(database_url=jobs_db.url, broker_url=broker, max_time_limit=60)
    # an unfinished job of a worker elsewhere: a (re)starting API must leave it alone
    with Session(jobs_db.engine) as s:
        other = t.SolveJobRow(status="running", horizon_start=dt.date(2027, 7, 5),
                              horizon_days=7, options={}, created_at=t.utcnow(), team_id=3,
                              worker="elsewhere:1:x", attempts=1,
                              lease_expires_at=t.utcnow() + dt.timedelta(hours=1))
        s.add(other)
        s.commit()
        other_id = other.id
    with TestClient(create_app(settings, engine=jobs_db.engine)) as client:
        r = client.post("/api/v1/solve-jobs", json={"time_limit": 3, "horizon_days": 7},
                        headers=headers)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        assert job(jobs_db, job_id).payload is not None
        time.sleep(1.0)
        assert job(jobs_db, job_id).status == "queued"  # no worker yet: nothing solves
        workers.start(1)
        done = finished(jobs_db, job_id)
        assert done.status == "succeeded"
        body = client.get(f"/api/v1/solve-jobs/{job_id}", headers=headers).json()
        assert body["plan_id"] == done.plan_id and body["status"] == "succeeded"
    assert job(jobs_db, other_id).status == "running"


def test_jobs_whose_messages_were_lost_still_run(workers, submit, jobs_db, long_scenario):
    import redis

    job_id = submit(long_scenario, time_limit=2)
    redis.Redis.from_url(workers.broker).flushdb()  # a broker restarted without its data
    time.sleep(2.5)  # the job has waited longer than a lease
    workers.start(1)
    done = finished(jobs_db, job_id, timeout=30)
    assert (done.status, done.attempts) == ("succeeded", 1)


def test_a_replan_goes_through_the_workers_too(workers, jobs_db, broker):
    from planner.generate import generate_scenario

    store(jobs_db, generate_scenario(20, 1, 0))
    headers = manager_headers(jobs_db)
    settings = Settings(database_url=jobs_db.url, broker_url=broker, max_time_limit=60)
    workers.start(1)
    with TestClient(create_app(settings, engine=jobs_db.engine)) as client:
        r = client.post("/api/v1/solve-jobs", json={"time_limit": 3}, headers=headers)
        solved = finished(jobs_db, r.json()["id"])
        assert solved.status == "succeeded"
        base = solved.plan_id
        assert client.post(f"/api/v1/plans/{base}/publish", headers=headers).status_code == 200
        body = {"changes": {"absences": [{"technician": "T001", "start": "2027-07-08",
                                          "end": "2027-07-11", "kind": "unplanned"}]},
                "now": "2027-07-05T00:00:00+00:00", "frozen_hours": 24, "time_limit": 5}
        r = client.post(f"/api/v1/plans/{base}/replan", json=body, headers=headers)
        assert r.status_code == 202, r.text
        assert job(jobs_db, r.json()["id"]).payload["baseline"] is not None  # enqueued only
        done = finished(jobs_db, r.json()["id"])
        assert done.status == "succeeded", done
        new = client.get(f"/api/v1/plans/{done.plan_id}", headers=headers).json()
        assert new["status"] == "draft" and new["violations"] == []
        assert new["options"]["derived_from"] == base
        duties = client.get(f"/api/v1/plans/{done.plan_id}/assignments", headers=headers).json()
    absent = [d for d in duties if d["technician"] == "T001"
              and "2027-07-08" <= d["date"] <= "2027-07-11"]
    assert absent == []
