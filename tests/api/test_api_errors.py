"""Validation (422 with field-level messages), unknown ids (404), conflicts (409),
transactional writes."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from api import tables as t

V1 = "/api/v1"


def _detail(r) -> list[tuple[list, str]]:
    return [(d["loc"], d["msg"]) for d in r.json()["detail"]]


@pytest.mark.parametrize(
    ("path", "body", "loc", "msg"),
    [
        ("/absences", {"technician": "T001", "start": "2027-08-05", "end": "2027-08-04"},
         ["body", "end"], "absence ends (2027-08-04) before it starts (2027-08-05)"),
        ("/technicians", {"id": "T900", "contract": "FT38", "clients": ["C01"], "skills": ["cobol"]},
         ["body", "skills"], "unknown skill 'cobol'"),
        ("/technicians", {"id": "T900", "contract": "FT99", "clients": ["C01"]},
         ["body", "contract"], "unknown contract 'FT99'"),
        ("/shift-types", {"id": "zero", "start": "08:00", "end": "08:00"},
         ["body", "end"], "shift type zero has zero length (start = end)"),
        ("/technicians", {"id": "T900", "contract": "FT38", "clients": ["C01"], "roles": ["backup"]},
         ["body", "clients"],
         "backup technician T900 must be trained on at least two client environments (trained on 1)"),
        ("/coverage-rules", {"client": "C01", "shift": "day", "skill": "cobol", "required": 1},
         ["body", "skill"], "unknown skill 'cobol'"),
        ("/peaks", {"client": "C77", "start": "2027-07-06", "end": "2027-07-06", "extra": 1},
         ["body", "client"], "unknown client 'C77'"),
        ("/clients", {"id": "C50", "timezone": "Mars/Olympus"},
         ["body", "timezone"], "unknown time zone 'Mars/Olympus' (expected an IANA name such as Europe/Brussels or UTC)"),
        ("/requests", {"technician": "T404", "date": "2027-07-06", "work": True},
         ["body", "technician"], "unknown technician 'T404'"),
    ],
)
def test_invalid_input_is_422_with_the_field(client, users, path, body, loc, msg):
    r = client.post(V1 + path, json=body, headers=users.headers("manager"))
    assert r.status_code == 422, r.text
    assert (loc, msg) in _detail(r)


def test_malformed_types_are_422_not_500(client, users):
    h = users.headers("manager")
    for body in ({"id": "X", "start": "25:00", "end": "08:00"}, {"id": "X"}, [], "text", {"id": ""}):
        r = client.post(V1 + "/shift-types", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
    r = client.post(V1 + "/shift-types", content=b"{not json", headers={**h, "content-type": "application/json"})
    assert r.status_code == 422


def test_patch_with_null_for_a_required_field_is_422(client, users):
    r = client.patch(V1 + "/technicians/T001", json={"contract": None}, headers=users.headers("manager"))
    assert r.status_code == 422


@pytest.mark.parametrize("path", ["/technicians/T999", "/clients/NOPE", "/absences/999999",
                                  "/plans/999999", "/solve-jobs/999999", "/users/999999"])
def test_unknown_id_is_404(client, users, path):
    r = client.get(V1 + path, headers=users.headers("manager"))
    assert r.status_code == 404
    assert "not found" in r.json()["detail"]


def test_duplicate_id_is_409(client, users):
    r = client.post(V1 + "/clients", json={"id": "C01"}, headers=users.headers("manager"))
    assert r.status_code == 409
    assert r.json()["detail"] == "client C01 already exists"


def test_overlapping_absences_are_409(client, users, db):
    h = users.headers("manager")
    r = client.post(V1 + "/absences", json={"technician": "T001", "start": "2027-08-02",
                                            "end": "2027-08-06"}, headers=h)
    assert r.status_code == 201
    first = r.json()["id"]
    r = client.post(V1 + "/absences", json={"technician": "T001", "start": "2027-08-06",
                                            "end": "2027-08-08"}, headers=h)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"absence overlaps absence {first} of technician T001 (2027-08-02 to 2027-08-06)")
    # another technician, same days: fine; the day after: fine
    assert client.post(V1 + "/absences", json={"technician": "T002", "start": "2027-08-02",
                                                "end": "2027-08-06"}, headers=h).status_code == 201
    assert client.post(V1 + "/absences", json={"technician": "T001", "start": "2027-08-07",
                                                "end": "2027-08-08"}, headers=h).status_code == 201
    # moving an absence onto itself is not a conflict
    r = client.patch(V1 + f"/absences/{first}", json={"end": "2027-08-05"}, headers=h)
    assert r.status_code == 200, r.text


def test_deleting_a_referenced_entity_is_409_and_changes_nothing(client, users, db):
    h = users.headers("manager")
    r = client.delete(V1 + "/clients/C01", headers=h)
    assert r.status_code == 409
    assert r.json()["detail"].startswith("client C01 is still used by ")
    assert client.get(V1 + "/clients/C01", headers=h).status_code == 200


def test_a_failed_request_writes_nothing(client, users, db):
    def count():
        with Session(db.engine) as s:
            return s.exec(select(func.count()).select_from(t.TechnicianRow)).one()

    before = count()
    r = client.post(V1 + "/technicians", json={"id": "T900", "contract": "FT38",
                                               "clients": ["C01", "C404"]},
                    headers=users.headers("manager"))
    assert r.status_code == 422
    assert count() == before


def test_technician_absence_is_pending_and_only_their_own(client, users):
    h = users.headers("tech")
    r = client.post(V1 + "/absences", json={"technician": "T001", "start": "2027-08-02",
                                            "end": "2027-08-02", "kind": "unplanned"}, headers=h)
    assert r.status_code == 201
    assert r.json()["status"] == "pending"
    r = client.post(V1 + "/absences", json={"technician": "T002", "start": "2027-08-02",
                                            "end": "2027-08-02"}, headers=h)
    assert r.status_code == 403
    listed = client.get(V1 + "/absences", headers=h).json()
    assert listed and {a["technician"] for a in listed} == {"T001"}
    # a manager's absence is approved at once
    r = client.post(V1 + "/absences", json={"technician": "T003", "start": "2027-08-02",
                                            "end": "2027-08-02"}, headers=users.headers("manager"))
    assert r.json()["status"] == "approved"


def test_pending_absences_are_left_out_of_the_solve_scenario(client, users, db):
    from api.mapping import rows_to_scenario

    client.post(V1 + "/absences", json={"technician": "T001", "start": "2027-08-02",
                                        "end": "2027-08-02"}, headers=users.headers("tech"))
    with Session(db.engine) as s:
        scenario = rows_to_scenario(s)
    assert not [a for a in scenario.absences if a.technician == "T001"]


def test_nul_characters_are_refused(client, users):
    h = users.headers("manager")
    r = client.post(V1 + "/skills", json={"id": "a\u0000b"}, headers=h)
    assert r.status_code == 422
    r = client.get(V1 + "/technicians/a%00b", headers=h)
    assert r.status_code == 422


def test_list_filters_and_paging(client, users):
    h = users.headers("manager")
    r = client.get(V1 + "/technicians", params={"contract": "OPS24"}, headers=h)
    assert r.status_code == 200
    assert r.json() and {x["contract"] for x in r.json()} == {"OPS24"}
    r = client.get(V1 + "/technicians", params={"offset": 5, "limit": 3}, headers=h)
    assert [x["id"] for x in r.json()] == ["T006", "T007", "T008"]


def test_a_database_deadlock_is_503_with_retry_after_not_500(app, users, monkeypatch):
    """Two writers crossing (PostgreSQL aborts one with a deadlock) or a locked SQLite file
    surface as OperationalError: the client is told to retry, nothing was written."""
    from fastapi.testclient import TestClient
    from sqlalchemy.exc import OperationalError

    def deadlock(*_a, **_k):
        raise OperationalError("UPDATE response_stamp ...", {}, Exception("deadlock detected"))

    monkeypatch.setattr(Session, "commit", deadlock)
    with TestClient(app, raise_server_exceptions=False) as c:
        before = c.get(f"{V1}/technicians/T001", headers=users.headers("manager")).json()
        r = c.patch(f"{V1}/technicians/T001", json={"name": "Renamed"}, headers=users.headers("manager"))
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert "try again" in r.json()["detail"]
    monkeypatch.undo()
    with TestClient(app) as c:
        assert c.get(f"{V1}/technicians/T001", headers=users.headers("manager")).json() == before
