"""Two teams in one database: nobody reads or changes another team's data, through any
route of the OpenAPI document; the team is chosen by header or query parameter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import Session, SQLModel, select

from planner.domain import Scenario
from api import tables as t
from api.auth import issue_token
from api.mapping import plan_to_rows
from api.scenarios import store_scenario
from api.teams import set_membership

from conftest import Users, _password_hash
from test_api_roles import ROUTES, _DUTY, _VERDICT

V1 = "/api/v1"
SECRET = "BLUE-SECRET"
"""The text every named row of team blue carries: it must never reach team A."""
# team blue has the same scenario as team A (same ids: T001...) plus rows of its own,
# so a path naming A's ids reaches A's rows, and one naming blue's own ids must 404
BLUE_IDS = {"linux": "bskill", "FT38": "BC1", "C01": "BCL", "day": "bshift", "T001": "TB1",
            "T002": "TB1", "T003": "TB1", "OC01": "OCB"}


def _blue_team(db, scenario: Scenario, outcome) -> dict:
    """Team blue: the scenario, its own entities, users, plans, jobs, proposals."""
    out: dict = {}
    with Session(db.engine) as s:
        store_scenario(s, scenario, team="blue")
        b = s.info["team_id"]
        out["team_id"] = b
        s.add_all([
            t.SkillRow(team_id=b, id="bskill", name=SECRET),
            t.ContractRow(team_id=b, id="BC1", name=SECRET, params={}),
            t.ClientRow(team_id=b, id="BCL", name=SECRET),
            t.ShiftTypeRow(team_id=b, id="bshift", name=SECRET, start=dt.time(9), end=dt.time(17)),
            t.TechnicianRow(team_id=b, id="TB1", name=SECRET, contract="BC1", skills=["bskill"],
                            clients=["BCL"], roles=[]),
            t.RotationRow(team_id=b, id="OCB", name=SECRET, clients=["BCL"]),
        ])
        s.flush()

        def add(row):
            row.team_id = b
            s.add(row)
            s.flush()
            return row.id

        def plan(status: str) -> int:
            pid = add(t.PlanRow(name=SECRET, status=status, horizon_start=scenario.horizon.start,
                                horizon_days=scenario.horizon.days, created_at=t.utcnow()))
            s.add_all(plan_to_rows(outcome.plan, pid, b))
            return pid

        day = dt.date(2027, 9, 1)
        out["plan"] = plan("draft")
        out["published"] = plan("published")
        out["coverage"] = add(t.CoverageRuleRow(client="BCL", shift="bshift", required=1))
        out["peak"] = add(t.PeakRow(client="BCL", start=day, end=day, extra=1, reason=SECRET))
        out["absence_own"] = add(t.AbsenceRow(technician="T001", start=day, end=day, reason=SECRET))
        out["absence_pending_own"] = add(t.AbsenceRow(
            technician="T001", start=day.replace(day=10), end=day.replace(day=10),
            status="pending", reason=SECRET))
        out["absence_other"] = add(t.AbsenceRow(technician="T002", start=day, end=day, reason=SECRET))
        out["request_own"] = add(t.RequestRow(technician="T001", date=day, work=True))
        out["request_other"] = add(t.RequestRow(technician="T002", date=day, work=True))
        out["job"] = add(t.SolveJobRow(name=SECRET, horizon_start=day, horizon_days=7, options={},
                                       created_at=t.utcnow()))
        out["report_job"] = add(t.SolveJobRow(name=SECRET, horizon_start=day, horizon_days=7,
                                              created_at=t.utcnow(),
                                              options={"kind": "robustness", "plan_id": out["plan"]}))
        s.add(t.JobReportRow(team_id=b, job_id=out["report_job"], plan_id=out["plan"],
                             kind="robustness", body={"secret": SECRET}, created_at=t.utcnow()))
        for key, tech in (("proposal_own", "T001"), ("proposal_other", "T002")):
            out[key] = add(t.SwapProposalRow(plan_id=out["published"], technician=tech, to="T003",
                                             duty=_DUTY, verdict=_VERDICT, reason=SECRET,
                                             created_at=t.utcnow()))
        for name, role, tech in (("bmanager", t.UserRole.manager, None),
                                 ("btech", t.UserRole.technician, "T001")):
            user = t.UserRow(username=name, full_name=SECRET, password_hash=_password_hash(),
                             created_at=t.utcnow())
            s.add(user)
            s.flush()
            set_membership(s, user.id, b, role, tech)
            out[name] = issue_token(s, user, 60)
            out[f"{name}_id"] = user.id
        out["user"] = out["btech_id"]
        s.commit()
    return out


@pytest.fixture
def blue(db, users: Users, stored: Scenario, outcome) -> dict:
    """Team A (``default``: the ``users`` fixture) and team blue side by side."""
    return _blue_team(db, stored, outcome)


def snapshot(db, team_id: int) -> dict:
    """Every row of team ``team_id``: its data, its members and their accounts."""
    out = {}
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in ("access_token", "response_stamp", "team"):
                continue
            if "team_id" in table.c:
                rows = conn.execute(select(table).where(table.c.team_id == team_id)).all()
            elif table.name == "app_user":
                members = select(t.MembershipRow.user_id).where(t.MembershipRow.team_id == team_id)
                rows = conn.execute(select(table).where(table.c.id.in_(members))).all()
            else:
                continue
            out[table.name] = sorted(map(repr, rows))
    return out


def _blue_path(path: str, ids: dict) -> str:
    """A route of the table aimed at team blue's rows: blue's integer ids, blue's own
    string ids in the path (the query string is left as it is)."""
    base, _, query = path.format(**ids).partition("?")
    parts = [BLUE_IDS.get(p, p) for p in base.split("/")]
    parts = [re.sub(r"^(T00[123])(?=\.)", "TB1", p) for p in parts]  # schedule.ics
    return "/".join(parts) + (f"?{query}" if query else "")


def _names_a_row(path: str) -> bool:
    base = path.split("?")[0]
    return "{" in base or any(seg in BLUE_IDS for seg in base.split("/")) or "T00" in base


WALK = [(m, p, body) for m, p, body, _ in ROUTES if p != "/auth/logout"]


@pytest.mark.parametrize("who", ["manager", "tech"])
def test_no_route_reads_or_changes_another_teams_data(client, users, blue, db, who):
    """Every route of the OpenAPI document (the role table lists them all, see
    test_api_roles.test_every_route_is_in_the_table), as team A's manager and technician:
    aimed at team blue's rows (404/403), or at blue by the team header (403); blue's
    rows are byte for byte the same afterwards and no answer carries blue's text."""
    before = snapshot(db, blue["team_id"])
    headers = users.headers(who)
    for method, path, body in WALK:
        # 1. blue's rows, from A (no header: A is the caller's only team)
        url = V1 + _blue_path(path, blue)
        r = client.request(method, url, json=body, headers=headers)
        assert SECRET not in r.text, (method, url, r.text)
        if _names_a_row(path):
            assert r.status_code in (403, 404), (method, url, r.status_code, r.text)
        # 2. naming team blue: refused before anything is read
        for how in ("header", "query"):
            sep = "&" if "?" in path else "?"
            named = (V1 + path.format(**blue) + (f"{sep}team=blue" if how == "query" else ""))
            extra = {"X-Rota-Team": "blue"} if how == "header" else {}
            r = client.request(method, named, json=body, headers={**headers, **extra})
            assert SECRET not in r.text, (method, named, r.text)
            if path == "/teams":
                assert "blue" not in r.text
                continue
            assert r.status_code == 403, (method, named, how, r.status_code, r.text)
    assert snapshot(db, blue["team_id"]) == before


def test_a_team_of_one_team_users_needs_no_header_and_other_names_are_refused(client, users, blue):
    r = client.get(f"{V1}/teams", headers=users.headers("manager"))
    assert [(x["slug"], x["role"]) for x in r.json()] == [("default", "manager")]
    # an unknown team and a foreign one get the same answer (no probing of team names)
    for name in ("blue", "nope"):
        r = client.get(f"{V1}/plans", headers={**users.headers("manager"), "X-Rota-Team": name})
        assert r.status_code == 403 and "not a member" in r.json()["detail"]
    r = client.get(f"{V1}/plans", headers={"Authorization": f"Bearer {blue['bmanager']}"})
    assert r.status_code == 200 and [p["id"] for p in r.json()] == [blue["published"], blue["plan"]]


def test_a_member_of_two_teams_must_name_one_and_gets_each_teams_role(client, users, blue, db):
    with Session(db.engine) as s:  # the coordinator of A becomes a technician of blue
        set_membership(s, users.ids["coordinator"], blue["team_id"], t.UserRole.technician, "T004")
        s.commit()
    h = users.headers("coordinator")
    r = client.get(f"{V1}/plans", headers=h)
    assert r.status_code == 400
    assert "X-Rota-Team" in r.json()["detail"] and "team query parameter" in r.json()["detail"]
    assert "blue" in r.json()["detail"] and "default" in r.json()["detail"]
    assert client.get(f"{V1}/plans", headers={**h, "X-Rota-Team": "default"}).status_code == 200
    # in blue they are a technician: the plans are not theirs to list
    assert client.get(f"{V1}/plans?team=blue", headers=h).status_code == 403
    r = client.get(f"{V1}/users/me", headers={**h, "X-Rota-Team": "blue"})
    assert (r.json()["role"], r.json()["technician_id"], r.json()["team"]) == ("technician", "T004", "blue")
    r = client.get(f"{V1}/teams", headers=h)
    assert {(x["slug"], x["role"]) for x in r.json()} == {("default", "coordinator"),
                                                          ("blue", "technician")}
    # their absences in blue are blue's, as technician T004 there
    r = client.post(f"{V1}/absences", headers={**h, "X-Rota-Team": "blue"},
                    json={"technician": "T004", "start": "2027-08-02", "end": "2027-08-02"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    with Session(db.engine) as s:
        row = s.get(t.AbsenceRow, r.json()["id"])
        assert row.team_id == blue["team_id"]


def test_managers_add_existing_accounts_only_from_a_team_they_manage(client, users, blue, db):
    mgr = users.headers("manager")
    # blue's technician: A's manager manages none of their teams → the answer of an unknown name
    r = client.post(f"{V1}/members", headers=mgr,
                    json={"username": "btech", "role": "technician", "technician_id": "T009"})
    assert r.status_code == 404
    r2 = client.post(f"{V1}/members", headers=mgr,
                     json={"username": "nobody", "role": "technician", "technician_id": "T009"})
    assert r2.status_code == 404 and r.json()["detail"].replace("btech", "X") == \
        r2.json()["detail"].replace("nobody", "X")
    # a manager of both teams may link blue's technician into A as A's T009
    with Session(db.engine) as s:
        set_membership(s, users.ids["manager"], blue["team_id"], t.UserRole.manager, None)
        s.commit()
    r = client.post(f"{V1}/members", headers={**mgr, "X-Rota-Team": "default"},
                    json={"username": "btech", "role": "technician", "technician_id": "T009"})
    assert r.status_code == 201, r.text
    assert (r.json()["role"], r.json()["technician_id"], r.json()["team"]) == ("technician", "T009", "default")
    # an account change (password) needs a manager of all its teams; blue's own manager
    # may change the role in blue but not the password of a person A shares
    r = client.patch(f"{V1}/users/{blue['btech_id']}", json={"password": "another-long-one"},
                     headers={"Authorization": f"Bearer {blue['bmanager']}"})
    assert r.status_code == 403 and "teams you do not manage" in r.json()["detail"]
    # removing them from A keeps their account and their blue membership
    r = client.delete(f"{V1}/users/{blue['btech_id']}", headers={**mgr, "X-Rota-Team": "default"})
    assert r.status_code == 204
    r = client.get(f"{V1}/users/me", headers={"Authorization": f"Bearer {blue['btech']}"})
    assert r.status_code == 200 and r.json()["technician_id"] == "T001"


def test_the_same_technician_id_in_two_teams_is_two_people(client, users, blue, db):
    """Both teams have a T001: each sees and changes its own; the caches keep them apart."""
    mgr_a = users.headers("manager")
    mgr_b = {"Authorization": f"Bearer {blue['bmanager']}"}
    assert client.patch(f"{V1}/technicians/T001", json={"name": "Alice A"}, headers=mgr_a).status_code == 200
    assert client.patch(f"{V1}/technicians/T001", json={"name": "Bob B"}, headers=mgr_b).status_code == 200
    assert client.get(f"{V1}/technicians/T001", headers=mgr_a).json()["name"] == "Alice A"
    assert client.get(f"{V1}/technicians/T001", headers=mgr_b).json()["name"] == "Bob B"
    # the published schedules: blue has a published plan, A none
    start = "2027-07-05"
    a = client.get(f"{V1}/technicians/T001/schedule?start={start}", headers=users.headers("tech"))
    b = client.get(f"{V1}/technicians/T001/schedule?start={start}",
                   headers={"Authorization": f"Bearer {blue['btech']}"})
    assert a.status_code == b.status_code == 200
    assert a.json()["assignments"] == [] and b.json()["assignments"] != []


def test_the_cached_schedule_reads_choose_the_team_as_every_route(client, users, blue, db):
    """The schedule JSON and feed answer from one query on the event loop (api.callers):
    the same team choice as every other route, and each team's role."""
    with Session(db.engine) as s:  # A's coordinator is blue's technician T004 too
        set_membership(s, users.ids["coordinator"], blue["team_id"], t.UserRole.technician, "T004")
        s.commit()
    h = users.headers("coordinator")
    for path in ("/technicians/T004/schedule?start=2027-07-05", "/technicians/T004/schedule.ics"):
        r = client.get(V1 + path, headers=h)
        assert r.status_code == 400 and "X-Rota-Team" in r.json()["detail"], path
        r = client.get(V1 + path, headers={**h, "X-Rota-Team": "nope"})
        assert r.status_code == 403 and "not a member" in r.json()["detail"], path
        assert client.get(V1 + path, headers={**h, "X-Rota-Team": "blue"}).status_code == 200, path
        # in blue they are a technician: another technician's schedule is not theirs
        other = path.replace("T004", "T001")
        assert client.get(V1 + other, headers={**h, "X-Rota-Team": "blue"}).status_code == 403
        # in A they are a coordinator: A's T001 is theirs to read, blue's T004 is unknown in A
        assert client.get(V1 + other + ("&" if "?" in other else "?") + "team=default",
                          headers=h).status_code == 200
    b = client.get(V1 + "/technicians/T004/schedule?start=2027-07-05",
                   headers={**h, "X-Rota-Team": "blue"}).json()
    ref = client.get(V1 + "/technicians/T004/schedule?start=2027-07-05",
                     headers={"Authorization": f"Bearer {blue['bmanager']}"}).json()
    assert b == ref and b["assignments"], "blue's published duties of T004, read as blue's T004"
