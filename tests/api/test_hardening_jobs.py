"""Hardening of solve jobs: a worker whose server died never overwrites the job the
restarted server failed, never outlives its server, and a failed job's message holds
no traceback or server path.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from planner.domain import Assignment, Horizon
from api import tables as t
from api.app import RESTARTED, create_app
from api.jobs import fail_unfinished, run_job

OPTIONS = {"time_limit": 20, "workers": 1, "seed": 0}


def _job(db, days: int = 7) -> int:
    with Session(db.engine) as s:
        job = t.SolveJobRow(status="queued", horizon_start=dt.date(2027, 7, 5), horizon_days=days,
                            options=OPTIONS, created_at=t.utcnow())
        s.add(job)
        s.commit()
        return job.id


def _status(db, job_id: int) -> t.SolveJobRow:
    with Session(db.engine) as s:
        return s.get(t.SolveJobRow, job_id)


def _wait(pred, timeout: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


def test_a_job_failed_by_a_restart_is_not_overwritten(db, stored):
    scenario = stored.model_copy(update={"horizon": Horizon(start=stored.horizon.start, days=28)})
    job_id = _job(db, days=28)
    box: dict = {}
    th = threading.Thread(target=lambda: box.update(r=run_job(db.url, job_id, scenario, OPTIONS)))
    th.start()
    _wait(lambda: _status(db, job_id).status == "running")
    time.sleep(1.0)  # the solve is under way
    assert fail_unfinished(db.engine, RESTARTED) == 1  # what a restarted server does
    th.join(30)
    assert not th.is_alive(), "the worker kept solving a job that is no longer its own"
    assert box["r"] == "not ours"
    job = _status(db, job_id)
    assert (job.status, job.error) == ("failed", RESTARTED)
    with Session(db.engine) as s:
        assert s.exec(select(t.PlanRow).where(t.PlanRow.job_id == job_id)).first() is None


def test_a_bad_scenario_fails_the_job_with_the_planner_message(db, stored):
    tz = dt.timezone.utc
    bad = Assignment(technician="T001", date=dt.date(2027, 9, 6), shift="day", client="C01",
                     skill="fr", start=dt.datetime(2027, 9, 6, 6, tzinfo=tz),
                     end=dt.datetime(2027, 9, 6, 14, tzinfo=tz))
    scenario = stored.model_copy(update={"fixed": (bad,)})
    job_id = _job(db)
    assert run_job(db.url, job_id, scenario, OPTIONS) == "failed"
    error = _status(db, job_id).error
    assert error.startswith("the scenario cannot be planned: fixed assignment of T001 on 2027-09-06")
    assert "Traceback" not in error and "/" not in error.replace("2027-09-06", "")


def test_an_internal_error_hides_the_traceback_and_paths(db, stored, monkeypatch, caplog):
    import planner.pipeline

    def boom(*_a, **_k):
        raise RuntimeError("cannot open /srv/rota/secret/path.db")

    monkeypatch.setattr(planner.pipeline, "plan_scenario", boom)
    job_id = _job(db)
    assert run_job(db.url, job_id, stored, OPTIONS) == "failed"
    error = _status(db, job_id).error
    assert error == "internal error while solving (RuntimeError); the details are in the server log"
    assert "secret/path" in caplog.text  # the traceback went to the server log


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie no longer runs


def test_killed_server_leaves_no_worker_and_its_job_stays_failed(db, stored, users, settings):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db.url, "ROTA_WORKERS": "1"}
    rota = Path(sys.executable).with_name("rota")
    server = subprocess.Popen([str(rota), "serve", "--port", str(port), "--no-access-log"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        _wait(lambda: _get(f"http://127.0.0.1:{port}/healthz"), timeout=60, every=0.3)
        h = users.headers("manager")
        r = httpx.post(base + "/solve-jobs", json={"horizon_days": 28, "time_limit": 55},
                       headers=h, timeout=30)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        _wait(lambda: _status(db, job_id).status == "running", timeout=60)
        worker = _status(db, job_id).worker_pid
        assert worker and _alive(worker)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        # the orphaned worker notices its server is gone and ends
        _wait(lambda: not _alive(worker), timeout=15)
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(10)
    with TestClient(create_app(settings, engine=db.engine)):  # the restarted server
        pass
    job = _status(db, job_id)
    assert (job.status, job.error) == ("failed", RESTARTED)
    time.sleep(2)
    assert _status(db, job_id).status == "failed"


def _get(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
