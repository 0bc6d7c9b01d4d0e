"""``GET /plans/{id}/roster``: the compact roster of the dashboard's grid."""

from __future__ import annotations

import datetime as dt

import pytest

V1 = "/api/v1"


def test_roster_holds_the_same_shifts_and_oncall_as_the_full_routes(client, users, make_plan):
    h = users.headers("manager")
    plan = make_plan()
    roster = client.get(V1 + f"/plans/{plan}/roster", headers=h)
    assert roster.status_code == 200, roster.text
    body = roster.json()
    full = client.get(V1 + f"/plans/{plan}/assignments", headers=h).json()
    assert body["plan_id"] == plan
    assert sorted(map(tuple, body["shifts"])) == sorted(
        (a["technician"], a["date"], a["shift"], a["client"]) for a in full)
    oncall = client.get(V1 + f"/plans/{plan}/oncall", headers=h).json()
    assert len(body["oncall"]) == len(oncall) > 0
    got = {(t, r, role, dt.datetime.fromisoformat(s)) for t, r, role, s, _ in body["oncall"]}
    want = {(o["technician"], o["rotation"], o["role"], dt.datetime.fromisoformat(o["start"]))
            for o in oncall}
    assert {(a, b, c, d.replace(tzinfo=None)) for a, b, c, d in got} == {
        (a, b, c, d.astimezone(dt.timezone.utc).replace(tzinfo=None)) for a, b, c, d in want}


@pytest.mark.parametrize("who,status", [("manager", 200), ("coordinator", 200), ("tech", 403)])
def test_roster_roles(client, users, make_plan, who, status):
    plan = make_plan()
    assert client.get(V1 + f"/plans/{plan}/roster", headers=users.headers(who)).status_code == status


def test_roster_needs_a_token_and_a_known_plan(client, users):
    assert client.get(V1 + "/plans/1/roster").status_code == 401
    r = client.get(V1 + "/plans/999/roster", headers=users.headers("manager"))
    assert r.status_code == 404 and r.json()["detail"] == "plan 999 not found"
    assert client.get(V1 + "/plans/0/roster", headers=users.headers("manager")).status_code == 422
