"""Day-two routes: explain, re-plan (a real job), changes, cover, swaps, robustness.

Role checks per route; every answer's facts come from the checker. Runs on SQLite
and, with ``ROTA_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import tables as t

V1 = "/api/v1"


def wait_for(client, headers, job_id, timeout=90.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(V1 + f"/solve-jobs/{job_id}", headers=headers).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")

def _published(client, users, plan_id: int) -> int:
    """Technicians propose swaps on published plans only."""
    r = client.post(V1 + f"/plans/{plan_id}/publish", headers=users.headers("manager"))
    assert r.status_code == 200, r.text
    return plan_id


GAP_KEYS = {"client", "date", "shift", "skill", "required", "assigned", "shortfall",
            "candidates", "fixes"}


def _drop(db, plan_id: int, technician: str, date: str) -> dict:
    """Remove one assignment from a stored plan (makes a gap); returns it."""
    with Session(db.engine) as s:
        row = s.exec(select(t.PlanAssignmentRow).where(
            t.PlanAssignmentRow.plan_id == plan_id, t.PlanAssignmentRow.technician == technician,
            t.PlanAssignmentRow.date == dt.date.fromisoformat(date))).one()
        out = {"client": row.client, "shift": row.shift, "skill": row.skill}
        s.delete(row)
        s.commit()
    return out


@pytest.mark.parametrize("route", ["explain", "robustness",
                                   "cover?client=C01&date=2027-07-06&shift=day&skill=helpdesk"])
@pytest.mark.parametrize("who, status", [("manager", 200), ("coordinator", 200),
                                         ("tech", 403), ("nobody", 401)])
def test_read_routes_roles(client, users, make_plan, route, who, status):
    pid = make_plan()
    r = client.get(V1 + f"/plans/{pid}/{route}", headers=users.headers(who))
    assert r.status_code == status, r.text


def test_explain_shape_and_reason(client, users, make_plan, db):
    pid = make_plan()
    duty = _drop(db, pid, "T001", "2027-07-06")
    r = client.get(V1 + f"/plans/{pid}/explain", headers=users.headers("coordinator"))
    assert r.status_code == 200
    gaps = r.json()["gaps"]
    gap = next(g for g in gaps if g["date"] == "2027-07-06" and g["shift"] == duty["shift"]
               and g["client"] == duty["client"] and g["skill"] == duty["skill"])
    assert set(gap) == GAP_KEYS and gap["shortfall"] >= 1
    t001 = next(c for c in gap["candidates"] if c["technician"] == "T001")
    assert set(t001) == {"technician", "name", "reason", "detail"}
    assert t001["reason"] == "available"  # removed by hand: nothing keeps T001 out
    assert gap["fixes"] and {"kind", "technician", "description", "cost", "rule"} == \
        set(gap["fixes"][0])
    assert gap["fixes"][0]["cost"] < 0


def test_cover_unknown_duty_is_404(client, users, make_plan):
    pid = make_plan()
    r = client.get(V1 + f"/plans/{pid}/cover?client=C01&date=2027-07-06&shift=nope",
                   headers=users.headers("manager"))
    assert r.status_code == 404 and "no duty nope for client C01" in r.json()["detail"]


def test_cover_giver_lists_only_rule_abiding_people(client, users, make_plan):
    pid = make_plan()
    r = client.get(V1 + f"/plans/{pid}/cover?client=C01&date=2027-07-06&shift=day"
                   "&skill=helpdesk&giver=T001", headers=users.headers("manager"))
    assert r.status_code == 200, r.text
    options = r.json()
    assert options and all(o["technician"] != "T001" for o in options)
    assert [o["cost"] for o in options] == sorted(o["cost"] for o in options)


SWAP = {"technician": "T001", "duty": {"client": "C01", "date": "2027-07-05", "shift": "day",
                                       "skill": "helpdesk"}, "to": "T002"}


def test_swap_refused_names_rule_and_person(client, users, make_plan):
    pid = _published(client, users, make_plan())
    # T002 already works that day: one shift a day breaks, for T002
    r = client.post(V1 + f"/plans/{pid}/swaps", json=SWAP, headers=users.headers("tech"))
    assert r.status_code == 200, r.text
    v = r.json()
    assert not v["ok"]
    assert {(x["rule"], x["technician"]) for x in v["violations"]} >= {("one_shift_per_day", "T002")}
    r = client.post(V1 + f"/plans/{pid}/swaps/approve", json=SWAP,
                    headers=users.headers("coordinator"))
    assert r.status_code == 409 and "breaks hard rules" in r.json()["detail"]


def test_swap_only_on_own_duties(client, users, make_plan):
    pid = make_plan()
    r = client.post(V1 + f"/plans/{pid}/swaps", json={**SWAP, "technician": "T002", "to": "T001"},
                    headers=users.headers("tech"))
    assert r.status_code == 403
    r = client.post(V1 + f"/plans/{pid}/swaps/approve", json=SWAP, headers=users.headers("tech"))
    assert r.status_code == 403


def test_swap_not_held_is_422(client, users, make_plan):
    pid = _published(client, users, make_plan())
    body = {**SWAP, "duty": {**SWAP["duty"], "date": "2027-07-07"}}
    r = client.post(V1 + f"/plans/{pid}/swaps", json=body, headers=users.headers("tech"))
    assert r.status_code == 422
    assert "T001 does not hold day for C01 on 2027-07-07" in r.json()["detail"][0]["msg"]


def test_approved_swap_is_a_new_draft_with_its_changes(client, users, make_plan):
    pid = make_plan()
    h = users.headers("manager")
    exchange = {**SWAP, "duty": {**SWAP["duty"], "date": "2027-07-06"}, "to": "T002",
                "take": {"client": "C01", "date": "2027-07-08", "shift": "day",
                         "skill": "helpdesk"}}
    verdict = client.post(V1 + f"/plans/{pid}/swaps", json=exchange, headers=h).json()
    if not verdict["ok"]:
        pytest.fail(f"the exchange should hold: {verdict}")
    r = client.post(V1 + f"/plans/{pid}/swaps/approve", json=exchange, headers=h)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["status"] == "draft" and new["violations"] == []
    ch = client.get(V1 + f"/plans/{new['id']}/changes", headers=h).json()
    assert ch["base_plan_id"] == pid and ch["chosen"] == 4
    assert {(c["technician"], c["date"], c["change"]) for c in ch["changes"]} == {
        ("T001", "2027-07-06", "removed"), ("T002", "2027-07-06", "added"),
        ("T002", "2027-07-08", "removed"), ("T001", "2027-07-08", "added")}
    assert {n["technician"] for n in ch["notify"]} == {"T001", "T002"}


def test_changes_without_parent_is_409(client, users, make_plan):
    pid = make_plan()
    r = client.get(V1 + f"/plans/{pid}/changes", headers=users.headers("manager"))
    assert r.status_code == 409 and "?against=" in r.json()["detail"]


@pytest.mark.parametrize("body, loc", [
    ({"changes": {"absences": [{"technician": "T001", "start": "x", "end": "2027-07-06"}]}},
     ["body", "changes", "absences", 0, "start"]),
    ({"changes": {"holidays": []}}, ["body", "changes", "holidays"]),
    ({"now": "2027-07-05T08:00:00"}, ["body", "now"]),
    ({"time_limit": 61}, ["body", "time_limit"]),
    ({"frozen_hours": -1}, ["body", "frozen_hours"]),
])
def test_replan_bad_body_is_422(client, users, make_plan, body, loc):
    pid = make_plan()
    r = client.post(V1 + f"/plans/{pid}/replan", json=body, headers=users.headers("manager"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == loc


@pytest.mark.parametrize("who, status", [("coordinator", 202), ("tech", 403), ("nobody", 401)])
def test_replan_roles(client, users, make_plan, who, status):
    pid = make_plan()
    r = client.post(V1 + f"/plans/{pid}/replan", json={"time_limit": 1},
                    headers=users.headers(who))
    assert r.status_code == status


def test_replan_job_yields_a_checked_draft_and_its_changes(live_app, users, make_plan):
    pid = make_plan()
    h = users.headers("manager")
    with TestClient(live_app) as live:
        assert live.post(V1 + f"/plans/{pid}/publish", headers=h).status_code == 200
        body = {"changes": {"absences": [{"technician": "T001", "start": "2027-07-08",
                                          "end": "2027-07-11", "kind": "unplanned"}]},
                "now": "2027-07-05T00:00:00+00:00", "frozen_hours": 24, "time_limit": 5}
        r = live.post(V1 + f"/plans/{pid}/replan", json=body, headers=h)
        assert r.status_code == 202, r.text
        job = wait_for(live, h, r.json()["id"])
        assert job["status"] == "succeeded", job
        new = live.get(V1 + f"/plans/{job['plan_id']}", headers=h).json()
        assert new["status"] == "draft" and new["violations"] == []
        ch = live.get(V1 + f"/plans/{new['id']}/changes", headers=h).json()
    removed = {(c["technician"], c["date"]) for c in ch["changes"] if c["change"] == "removed"}
    assert ("T001", "2027-07-09") in removed
    assert all(c["forced"] for c in ch["changes"] if c["technician"] == "T001")
    # T001's 07-09 duty is re-covered by someone else
    added = {(c["technician"], c["date"]) for c in ch["changes"] if c["change"] == "added"}
    assert any(d == "2027-07-09" for _, d in added)
