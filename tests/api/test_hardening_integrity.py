"""Hardening: referential integrity and cross-field rules under concurrent writes.

Before: deleting a shift type named by a forbidden succession or a fixed assignment,
or a technician with fixed assignments, answered 204 and every later solve failed;
two concurrent PATCHes could leave a backup technician trained on one client.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import tables as t
from api.routes import crud

V1 = "/api/v1"


def _fixed(db, technician="T001", client="C01", shift="day", skill="fr", kind="fixed") -> None:
    day = dt.date(2027, 7, 6)
    tz = dt.timezone.utc
    with Session(db.engine) as s:
        s.add(t.FixedAssignmentRow(kind=kind, technician=technician, date=day, shift=shift,
                                   client=client, skill=skill,
                                   start=dt.datetime(2027, 7, 6, 6, tzinfo=tz),
                                   end=dt.datetime(2027, 7, 6, 14, tzinfo=tz)))
        s.commit()


def test_shift_type_in_a_forbidden_succession_is_409(client, users):
    # 'early' is used by no coverage rule of the generated scenario, only by the successions
    h = users.headers("manager")
    r = client.delete(V1 + "/shift-types/early", headers=h)
    assert r.status_code == 409, r.text
    assert "forbidden successions" in r.json()["detail"] and "late->early" in r.json()["detail"]
    assert client.get(V1 + "/shift-types/early", headers=h).status_code == 200


def test_technician_with_fixed_assignment_is_409_naming_it(client, users, db):
    _fixed(db, technician="T003", skill="en")
    r = client.delete(V1 + "/technicians/T003", headers=users.headers("manager"))
    assert r.status_code == 409, r.text
    assert "fixed assignments T003@2027-07-06" in r.json()["detail"]


def test_technician_linked_to_a_user_is_409_naming_the_user(client, users):
    r = client.delete(V1 + "/technicians/T001", headers=users.headers("manager"))
    assert r.status_code == 409
    assert "users tech" in r.json()["detail"]


def test_client_used_by_fixed_assignment_is_409(client, users, db):
    _fixed(db, technician="T003", skill="en", kind="history")
    r = client.delete(V1 + "/clients/C01", headers=users.headers("manager"))
    assert r.status_code == 409
    assert "history assignments T003@2027-07-06" in r.json()["detail"]


def test_skill_used_by_fixed_assignment_only_is_409(client, users, db):
    h = users.headers("manager")
    assert client.post(V1 + "/skills", json={"id": "cobol"}, headers=h).status_code == 201
    _fixed(db, technician="T003", skill="cobol")
    r = client.delete(V1 + "/skills/cobol", headers=h)
    assert r.status_code == 409 and "fixed assignments" in r.json()["detail"]


def test_rotation_in_a_published_plan_is_409(client, users, make_plan):
    h = users.headers("manager")
    plan = make_plan()
    assert client.post(f"{V1}/plans/{plan}/publish", headers=h).status_code == 200
    r = client.delete(V1 + "/rotations/OC01", headers=h)
    assert r.status_code == 409, r.text
    assert f"published plans {plan}" in r.json()["detail"]


def test_patch_may_not_strand_a_fixed_assignment(client, users, db):
    _fixed(db, technician="T003", skill="en")
    h = users.headers("manager")
    r = client.patch(V1 + "/technicians/T003", json={"skills": ["fr"]}, headers=h)
    assert r.status_code == 409, r.text
    assert "2027-07-06 day C01" in r.json()["detail"]
    assert "en" in client.get(V1 + "/technicians/T003", headers=h).json()["skills"]


def test_two_writers_cannot_break_the_backup_rule(app, users, db, monkeypatch):
    """Two PATCHes each valid alone: one makes T005 a backup (trained on C01 and C02), the
    other takes C02 away. Both read the row before either writes (the check is slowed
    down); the second must be refused, never leave a backup trained on one client."""
    h = users.headers("manager")
    with TestClient(app) as c:
        assert c.post(V1 + "/clients", json={"id": "C09"}, headers=h).status_code == 201
        r = c.patch(V1 + "/technicians/T005", json={"clients": ["C01", "C09"], "roles": []},
                    headers=h)
        assert r.status_code == 200, r.text

    real = crud._check

    def slow_check(*args, **kwargs):
        out = real(*args, **kwargs)
        time.sleep(0.4)  # both requests have read and validated before either writes
        return out

    monkeypatch.setattr(crud, "_check", slow_check)
    results: dict[str, int] = {}

    def patch(name: str, body: dict) -> None:
        with TestClient(app) as c:
            results[name] = c.patch(V1 + "/technicians/T005", json=body, headers=h).status_code

    threads = [threading.Thread(target=patch, args=("backup", {"roles": ["backup"]})),
               threading.Thread(target=patch, args=("drop", {"clients": ["C01"]}))]
    for th in threads:
        th.start()
        time.sleep(0.05)
    for th in threads:
        th.join(30)
    monkeypatch.setattr(crud, "_check", real)
    with Session(db.engine) as s:
        row = s.exec(select(t.TechnicianRow).where(t.TechnicianRow.id == "T005")).one()
        roles, clients = set(row.roles), set(row.clients)
    assert sorted(results.values()) != [200, 200], results
    assert 200 in results.values(), results
    assert not ("backup" in roles and len(clients) < 2), (roles, clients, results)


def _fixed_t003(db) -> None:
    # T003 works C01 'day' with skill 'helpdesk' on 2027-07-06 (a duty of the scenario)
    _fixed(db, technician="T003", skill="helpdesk")


def test_approving_an_absence_over_a_fixed_shift_is_409(client, users, db):
    _fixed_t003(db)
    h = users.headers("manager")
    r = client.post(V1 + "/absences", json={"technician": "T003", "start": "2027-07-06",
                                            "end": "2027-07-06"}, headers=h)
    assert r.status_code == 409, r.text
    assert "unplannable" in r.json()["detail"] and "T003" in r.json()["detail"]
    # declared by the technician as pending: stored; approving it is refused
    with Session(db.engine) as s:
        s.add(t.AbsenceRow(technician="T003", start=dt.date(2027, 7, 6), end=dt.date(2027, 7, 6),
                           status="pending"))
        s.commit()
    pending = client.get(V1 + "/absences?technician=T003&status=pending", headers=h).json()[0]
    r = client.put(f"{V1}/absences/{pending['id']}/status", json={"status": "approved"}, headers=h)
    assert r.status_code == 409, r.text
    assert client.get(f"{V1}/absences/{pending['id']}", headers=h).json()["status"] == "pending"


def test_removing_the_duty_of_a_fixed_shift_is_409(client, users, db):
    _fixed_t003(db)
    h = users.headers("manager")
    rules = client.get(V1 + "/coverage-rules?client=C01", headers=h).json()
    rule = next(r for r in rules if r["shift"] == "day" and r["skill"] == "helpdesk")
    r = client.delete(f"{V1}/coverage-rules/{rule['id']}", headers=h)
    assert r.status_code == 409, r.text
    assert "matches no coverage demand" in r.json()["detail"]


def test_list_filters_select_rows_and_unknown_query_keys_are_ignored(client, users):
    h = users.headers("manager")
    every = client.get(V1 + "/coverage-rules", headers=h).json()
    some = client.get(V1 + "/coverage-rules?client=C01", headers=h).json()
    assert some and len(some) < len(every)
    assert all(r["client"] == "C01" for r in some)
    assert some == [r for r in every if r["client"] == "C01"]
    assert client.get(V1 + "/coverage-rules?client=C01&colour=red", headers=h).json() == some
    r = client.get(V1 + "/coverage-rules?client=" + "x" * 65, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "client"]
