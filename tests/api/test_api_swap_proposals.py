"""Stored swap proposals: a technician proposes, sees only what concerns them, cannot
decide; a coordinator approves (re-checked against the current plan) or rejects, and
the technicians concerned are told by e-mail and signed webhook. Explain and robustness
as jobs; the re-plan job shows its change warnings. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import tables as t
from api.app import create_app
from api.settings import Settings
from tests.api.conftest import RecordingRunner
from tests.api.test_api_daytwo import wait_for
from tests.api.test_api_notify import SECRET, hook, smtp  # noqa: F401 (fixtures)

V1 = "/api/v1"
EXCHANGE = {"technician": "T001",
            "duty": {"client": "C01", "date": "2027-07-06", "shift": "day", "skill": "helpdesk"},
            "to": "T002",
            "take": {"client": "C01", "date": "2027-07-08", "shift": "day", "skill": "helpdesk"}}


def _publish(client, users, pid: int) -> int:
    r = client.post(V1 + f"/plans/{pid}/publish", headers=users.headers("manager"))
    assert r.status_code == 200, r.text
    return pid


def _propose(client, users, pid: int) -> int:
    r = client.post(V1 + f"/plans/{pid}/swaps", json=EXCHANGE, headers=users.headers("tech"))
    assert r.status_code == 200, r.text
    assert r.json()["ok"], r.json()
    return r.json()["proposal_id"]


def _someone_elses(db, pid: int) -> int:
    with Session(db.engine) as s:
        row = t.SwapProposalRow(plan_id=pid, technician="T003", to="T004",
                                duty=EXCHANGE["duty"], verdict={
                                    "ok": True, "violations": [], "objective_delta": 0,
                                    "penalty_delta": {}}, created_at=t.utcnow())
        s.add(row)
        s.commit()
        return row.id


def test_technicians_see_only_the_proposals_that_concern_them(client, users, make_plan, db):
    pid = _publish(client, users, make_plan())
    mine = _propose(client, users, pid)
    theirs = _someone_elses(db, pid)
    for who in ("tech", "other"):  # the proposer and the colleague it names
        listed = client.get(V1 + "/swap-proposals", headers=users.headers(who)).json()
        assert [p["id"] for p in listed] == [mine]
        assert client.get(V1 + f"/swap-proposals/{theirs}",
                          headers=users.headers(who)).status_code == 404
    got = client.get(V1 + f"/swap-proposals/{mine}", headers=users.headers("tech")).json()
    assert got["status"] == "open" and got["technician"] == "T001" and got["to"] == "T002"
    assert got["take"]["date"] == "2027-07-08" and got["verdict"]["ok"]
    staff = client.get(V1 + "/swap-proposals?status=open", headers=users.headers("coordinator"))
    assert {p["id"] for p in staff.json()} == {mine, theirs}


def test_a_technician_cannot_approve_or_reject(client, users, make_plan):
    pid = _publish(client, users, make_plan())
    pr = _propose(client, users, pid)
    for verb in ("approve", "reject"):
        r = client.post(V1 + f"/swap-proposals/{pr}/{verb}", headers=users.headers("tech"))
        assert r.status_code == 403, r.text
    assert client.get(V1 + f"/swap-proposals/{pr}",
                      headers=users.headers("tech")).json()["status"] == "open"


def test_a_refused_swap_is_not_stored(client, users, make_plan):
    pid = _publish(client, users, make_plan())
    body = {**EXCHANGE, "take": None, "duty": {**EXCHANGE["duty"], "date": "2027-07-05"}}
    r = client.post(V1 + f"/plans/{pid}/swaps", json=body, headers=users.headers("tech"))
    assert r.status_code == 200 and not r.json()["ok"] and r.json()["proposal_id"] is None
    assert client.get(V1 + "/swap-proposals", headers=users.headers("manager")).json() == []


def test_approval_makes_a_draft_once(client, users, make_plan):
    pid = _publish(client, users, make_plan())
    pr = _propose(client, users, pid)
    h = users.headers("coordinator")
    r = client.post(V1 + f"/swap-proposals/{pr}/approve", headers=h)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["violations"] == []
    assert draft["options"]["swap_proposal"] == pr and draft["options"]["derived_from"] == pid
    got = client.get(V1 + f"/swap-proposals/{pr}", headers=h).json()
    assert got["status"] == "approved" and got["draft_plan_id"] == draft["id"]
    ch = client.get(V1 + f"/plans/{draft['id']}/changes", headers=h).json()
    assert ch["chosen"] == 4
    again = client.post(V1 + f"/swap-proposals/{pr}/approve", headers=h)
    assert again.status_code == 409
    assert again.json()["detail"] == f"swap proposal {pr} is already approved"


def test_approval_rechecks_against_the_current_data(client, users, make_plan, db):
    pid = _publish(client, users, make_plan())
    pr = _propose(client, users, pid)
    with Session(db.engine) as s:  # T002 falls ill on the day they would take over
        day = dt.date(2027, 7, 6)
        s.add(t.AbsenceRow(technician="T002", start=day, end=day, kind="unplanned"))
        s.commit()
    r = client.post(V1 + f"/swap-proposals/{pr}/approve", headers=users.headers("manager"))
    assert r.status_code == 409, r.text
    assert r.json()["detail"].startswith(f"swap proposal {pr} no longer holds against plan {pid}")
    assert "absent" in r.json()["detail"]
    got = client.get(V1 + f"/swap-proposals/{pr}", headers=users.headers("tech")).json()
    assert got["status"] == "invalid" and "absent" in got["reason"]


def test_rejection_tells_both_technicians(db, users, make_plan, smtp, hook, stored):  # noqa: F811
    port, inbox = smtp
    settings = Settings(database_url=db.url, workers=1, max_time_limit=60, smtp_host="127.0.0.1",
                        smtp_port=port, smtp_from="rota@example.org", webhook_url=hook.url,
                        webhook_secret=SECRET, webhook_backoff=0.01)
    app = create_app(settings, engine=db.engine, runner=RecordingRunner())
    with TestClient(app) as client:
        pid = _publish(client, users, make_plan())
        pr = _propose(client, users, pid)
        r = client.post(V1 + f"/swap-proposals/{pr}/reject", json={"reason": "short on Tuesday"},
                        headers=users.headers("coordinator"))
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "rejected" and r.json()["reason"] == "short on Tuesday"
    emails = {x.id: x.email for x in stored.technicians}
    got = {tuple(rcpt): msg for rcpt, msg in inbox.messages}
    assert set(got) == {(emails["T001"],), (emails["T002"],)}
    msg = got[(emails["T001"],)]
    assert msg["Subject"] == f"Rota: swap proposal {pr} rejected"
    assert "Reason: short on Tuesday" in msg.get_payload()
    data = json.loads(hook.requests[-1][1])
    assert data["event"] == "swap.rejected" and data["proposal"]["id"] == pr
    assert [x["technician"] for x in data["technicians"]] == ["T001", "T002"]


def test_replan_job_shows_the_changes_with_no_effect(client, users, make_plan, stored):
    pid = make_plan()
    # an absence on a day T001 does not work changes nothing: warned, job still queued
    worked = client.get(V1 + f"/plans/{pid}/assignments?technician=T001",
                        headers=users.headers("manager")).json()
    days = {a["date"] for a in worked}
    free = next(d for d in (stored.horizon.start + dt.timedelta(days=i)
                            for i in range(stored.horizon.days)) if d.isoformat() not in days)
    body = {"changes": {"absences": [{"technician": "T001", "start": free.isoformat(),
                                      "end": free.isoformat()}]}, "time_limit": 1}
    r = client.post(V1 + f"/plans/{pid}/replan", json=body, headers=users.headers("manager"))
    assert r.status_code == 202, r.text
    opts = r.json()["options"]
    assert opts["kind"] == "replan" and len(opts["warnings"]) == 1
    assert "T001" in opts["warnings"][0]


def test_explain_and_robustness_run_as_jobs(live_app, users, make_plan, db):
    pid = make_plan()
    with Session(db.engine) as s:  # a gap: T001's first duty removed by hand
        row = s.exec(select(t.PlanAssignmentRow).where(
            t.PlanAssignmentRow.plan_id == pid, t.PlanAssignmentRow.technician == "T001")).first()
        gap = (row.client, row.date, row.shift)
        s.delete(row)
        s.commit()
    h = users.headers("coordinator")
    with TestClient(live_app) as live:
        fast = live.get(V1 + f"/plans/{pid}/explain?client={gap[0]}&date={gap[1]}",
                        headers=h).json()
        ex = live.post(V1 + f"/plans/{pid}/explain/jobs", headers=h)
        ro = live.post(V1 + f"/plans/{pid}/robustness/jobs", headers=h)
        assert ex.status_code == ro.status_code == 202
        for job in (ex.json(), ro.json()):
            done = wait_for(live, h, job["id"], timeout=180)
            assert done["status"] == "succeeded", done
        explained = live.get(V1 + f"/plans/{pid}/reports/{ex.json()['id']}", headers=h).json()
        robust = live.get(V1 + f"/plans/{pid}/reports/{ro.json()['id']}", headers=h).json()
        wrong = live.get(V1 + f"/plans/{pid + 1}/reports/{ex.json()['id']}", headers=h)
    assert explained["kind"] == "explain" and explained["robustness"] is None
    gaps = explained["explain"]["gaps"]
    assert explained["explain"]["total_gaps"] == len(gaps) >= 1
    assert any((g["client"], g["date"], g["shift"]) == (gap[0], gap[1].isoformat(), gap[2])
               for g in gaps)
    # the fast path explains the same gap, the same way
    same = [g for g in gaps if (g["client"], g["date"]) == (gap[0], gap[1].isoformat())]
    assert fast["gaps"] == same and fast["total_gaps"] == len(same)
    assert robust["kind"] == "robustness" and robust["explain"] is None
    assert robust["robustness"]["days"] and "oncall" in robust["robustness"]
    assert wrong.status_code == 404


def test_oncall_period_give_away_through_the_api(client, users, make_plan):
    # T015 is primary of OC01 from Monday 5 July; T016 its backup; T014 backup the week
    # before and absent during the week
    pid = make_plan()
    h = users.headers("coordinator")
    duty = {"kind": "oncall_primary", "shift": "OC01", "date": "2027-07-05"}

    def give(to):
        r = client.post(V1 + f"/plans/{pid}/swaps?store=false",
                        json={"technician": "T015", "duty": duty, "to": to}, headers=h)
        assert r.status_code == 200, r.text
        return r.json()

    for to, rules in (("T001", {"oncall_eligibility"}), ("T016", {"oncall_backup_distinct"}),
                      ("T014", {"oncall_min_gap", "oncall_eligibility"})):
        v = give(to)
        assert not v["ok"] and v["proposal_id"] is None
        assert {(x["rule"], x["technician"]) for x in v["violations"]} == {
            (rule, to) for rule in rules}, v
    v = give("T018")
    assert v["ok"] and v["proposal_id"] is None  # weighed only (store=false)
    r = client.post(V1 + f"/plans/{pid}/swaps", json={"technician": "T015", "duty": duty,
                                                      "to": "T018"}, headers=h)
    pr = r.json()["proposal_id"]
    draft = client.post(V1 + f"/swap-proposals/{pr}/approve", headers=h).json()
    calls = client.get(V1 + f"/plans/{draft['id']}/oncall", headers=h).json()
    primary = [c for c in calls if c["role"] == "primary" and c["start"].startswith("2027-07-05")]
    assert [c["technician"] for c in primary] == ["T018"]
