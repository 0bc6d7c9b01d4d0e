"""Solve jobs on the real worker process pool: progress, cancel, crash, restart."""

from __future__ import annotations

import os
import signal
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import tables as t
from api.app import RESTARTED, create_app

V1 = "/api/v1"


def wait_for(client, headers, job_id, until, timeout=90.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(V1 + f"/solve-jobs/{job_id}", headers=headers).json()
        if until(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s: {job}")


def finished(job) -> bool:
    return job["status"] not in ("queued", "running")


@pytest.fixture
def live(live_app):
    with TestClient(live_app) as c:
        yield c


def test_solve_returns_at_once_then_reports_progress_and_a_draft(live, users, db):
    h = users.headers("manager")
    r = live.post(V1 + "/solve-jobs", json={"name": "july", "time_limit": 10, "seed": 0}, headers=h)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued"
    job = wait_for(live, h, r.json()["id"], finished)
    assert job["status"] == "succeeded", job
    assert job["elapsed"] > 0 and job["objective"] is not None and job["bound"] is not None
    plan = live.get(V1 + f"/plans/{job['plan_id']}", headers=h).json()
    assert plan["status"] == "draft" and plan["name"] == "july" and plan["job_id"] == job["id"]
    assert plan["violations"] == []
    assert plan["created_by"] == users.ids["manager"]
    assert live.get(V1 + f"/plans/{plan['id']}/assignments", headers=h).json()


def test_a_later_solve_never_changes_a_published_plan(live, users, db, make_plan):
    h = users.headers("manager")
    published = make_plan()
    live.post(V1 + f"/plans/{published}/publish", headers=h)
    before = live.get(V1 + f"/plans/{published}/assignments", headers=h).json()
    # a what-if with a peak added, asked by a coordinator
    hc = users.headers("coordinator")
    live.post(V1 + "/peaks", json={"client": "C01", "start": "2027-07-05", "end": "2027-07-11",
                                   "extra": 2}, headers=hc)
    r = live.post(V1 + "/solve-jobs", json={"time_limit": 5}, headers=hc)
    job = wait_for(live, hc, r.json()["id"], finished)
    assert job["status"] == "succeeded"
    assert job["plan_id"] != published
    assert live.get(V1 + f"/plans/{published}/assignments", headers=h).json() == before
    assert live.get(V1 + f"/plans/{published}", headers=h).json()["status"] == "published"
    assert live.get(V1 + f"/plans/{job['plan_id']}", headers=h).json()["status"] == "draft"


def test_cancel_stops_a_running_solve(live, users, db):
    h = users.headers("manager")
    # four weeks, long limit: the solve is still searching when the cancel arrives
    r = live.post(V1 + "/solve-jobs", json={"horizon_days": 28, "time_limit": 55}, headers=h)
    job_id = r.json()["id"]
    wait_for(live, h, job_id, lambda j: j["status"] == "running")
    started = time.monotonic()
    r = live.post(V1 + f"/solve-jobs/{job_id}/cancel", headers=h)
    assert r.status_code == 202 and r.json()["cancel_requested"]
    job = wait_for(live, h, job_id, finished, timeout=50)
    assert job["status"] == "cancelled"
    assert time.monotonic() - started < 50
    assert live.post(V1 + f"/solve-jobs/{job_id}/cancel", headers=h).status_code == 409


def test_a_killed_worker_fails_its_job_and_the_pool_recovers(live, users, db):
    h = users.headers("manager")
    r = live.post(V1 + "/solve-jobs", json={"horizon_days": 28, "time_limit": 55}, headers=h)
    job_id = r.json()["id"]
    wait_for(live, h, job_id, lambda j: j["status"] == "running")
    with Session(db.engine) as s:
        pid = s.get(t.SolveJobRow, job_id).worker_pid
    assert pid and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    job = wait_for(live, h, job_id, finished, timeout=30)
    assert job["status"] == "failed"
    assert job["error"] == "the solve worker process died (crashed or was killed)"
    r = live.post(V1 + "/solve-jobs", json={"time_limit": 5}, headers=h)
    assert wait_for(live, h, r.json()["id"], finished)["status"] == "succeeded"


def test_a_queued_job_can_be_cancelled(client, users):
    h = users.headers("coordinator")
    job = client.post(V1 + "/solve-jobs", json={"time_limit": 1}, headers=h).json()
    r = client.post(V1 + f"/solve-jobs/{job['id']}/cancel", headers=h)
    assert r.json()["status"] == "cancelled"


def test_server_start_fails_unfinished_jobs(db, users, settings):
    import datetime as dt

    with Session(db.engine) as s:
        for status in ("queued", "running", "succeeded"):
            s.add(t.SolveJobRow(status=status, horizon_start=dt.date(2027, 7, 5), horizon_days=7,
                                options={}, created_at=t.utcnow()))
        s.commit()
    with TestClient(create_app(settings, engine=db.engine)):
        pass
    with Session(db.engine) as s:
        jobs = s.exec(select(t.SolveJobRow).order_by(t.SolveJobRow.id)).all()
    assert [(j.status, j.error) for j in jobs] == [
        ("failed", RESTARTED), ("failed", RESTARTED), ("succeeded", "")]


def test_time_limit_above_the_server_maximum_is_422(client, users):
    r = client.post(V1 + "/solve-jobs", json={"time_limit": 61}, headers=users.headers("manager"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "time_limit"]
