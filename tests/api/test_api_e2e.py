"""End to end through the real command line and a real server process.

rota import → rota users add → rota serve; a manager logs in, starts a solve, watches
its progress, publishes the plan; a technician fetches their own iCal feed and is
refused anyone else's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import icalendar
import pytest

from planner.scenario_files import save_scenario

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-password-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rota(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def server(db, scenario, tmp_path):
    env = {**os.environ, "DATABASE_URL": db.url, "PYTHONPATH": str(ROOT), "ROTA_WORKERS": "1"}
    save_scenario(scenario, tmp_path / "scenario")
    r = _rota("import", str(tmp_path / "scenario"), env=env)
    assert r.returncode == 0, r.stderr
    for user, role, tech in (("chef", "manager", None), ("camille", "technician", "T001"),
                             ("lucas", "technician", "T002")):
        extra = ["--technician", tech] if tech else []
        r = _rota("users", "add", user, "--role", role, *extra, env={**env, "ROTA_PASSWORD": PASSWORD})
        assert r.returncode == 0, r.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not start: " + proc.stdout.read())
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def _login(base: str, user: str) -> dict:
    r = httpx.post(f"{base}/auth/token", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_manager_solves_and_publishes_technician_reads_own_calendar(server):
    base = server
    boss = _login(base, "chef")
    r = httpx.post(f"{base}/solve-jobs", json={"name": "e2e", "time_limit": 8, "workers": 1},
                   headers=boss)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = httpx.get(f"{base}/solve-jobs/{job_id}", headers=boss).json()
        seen.append(job["status"])
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(0.3)
    assert job["status"] == "succeeded", job
    assert job["objective"] is not None and job["elapsed"] > 0
    r = httpx.post(f"{base}/plans/{job['plan_id']}/publish", headers=boss)
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["status"] == "published"

    camille = _login(base, "camille")
    link = httpx.post(f"{base}/users/me/calendar", headers=camille).json()  # URL shown once
    r = httpx.get(link["url"])  # what a calendar application does: no login, secret URL
    assert r.status_code == 200
    cal = icalendar.Calendar.from_ical(r.content)
    events = cal.walk("VEVENT")
    mine = httpx.get(f"{base}/technicians/T001/schedule",
                     params={"start": "2027-07-05", "end": "2027-07-11"}, headers=camille).json()
    assert len(events) == len(mine["assignments"]) + len(mine["oncall"]) > 0
    assert httpx.get(f"{base}/technicians/T001/schedule.ics", headers=camille).status_code == 200
    # somebody else's schedule and feed
    assert httpx.get(f"{base}/technicians/T002/schedule.ics", headers=camille).status_code == 403
    assert httpx.get(f"{base}/technicians/T002/schedule", headers=camille).status_code == 403
    forged = link["url"].rsplit("/", 1)[0] + "/guessed-token.ics"
    assert httpx.get(forged).status_code == 404
    # and no way into the manager's routes
    assert httpx.post(f"{base}/plans/{job['plan_id']}/publish", headers=camille).status_code == 403
