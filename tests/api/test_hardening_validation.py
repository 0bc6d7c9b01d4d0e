"""Hardening: the API refuses (422, naming the field) every value the planner cannot handle.

Each case is an input that was accepted (or gave a 500) before the domain validators
were shared by the scenario loader and the API.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from api import tables as t

V1 = "/api/v1"


def _fields(r) -> list:
    """Every name in the ``loc`` of every error of a 422 body."""
    return [x for d in r.json()["detail"] for x in d["loc"]]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        # ids that break the scenario files (export -> import)
        ("/clients", {"id": "C;9"}, "id"),
        ("/clients", {"id": "C,9"}, "id"),
        ("/contracts", {"id": "a=b"}, "id"),
        ("/skills", {"id": "x\x01y"}, "id"),
        ("/technicians", {"id": "T900", "contract": "FT38", "clients": ["C01"], "skills": ["a;b"]},
         "skills"),
        # a carriage return in a name ended the CSV row on export (import then failed)
        ("/clients", {"id": "C50", "name": "Banque\rLambert"}, "name"),
        ("/technicians", {"id": "T900", "contract": "FT38", "clients": ["C01"],
                          "site": "Li\x1blle"}, "site"),
        # time zones: IANA names only
        ("/clients", {"id": "C50", "timezone": "/etc/localtime"}, "timezone"),
        ("/clients", {"id": "C50", "timezone": "localtime"}, "timezone"),
        ("/rotations", {"id": "R9", "clients": ["C01"], "timezone": "Mars/Olympus"}, "timezone"),
        ("/technicians", {"id": "T900", "contract": "FT38", "clients": ["C01"],
                          "timezone": "Mars/Olympus"}, "timezone"),
        # country codes known to the holidays package
        ("/clients", {"id": "C50", "country": "XX"}, "country"),
        # dates outside the supported years
        ("/absences", {"technician": "T001", "start": "9999-12-30", "end": "9999-12-31"}, "start"),
        ("/absences", {"technician": "T001", "start": "0001-01-01", "end": "0001-01-02"}, "start"),
        ("/peaks", {"client": "C01", "start": "2027-07-06", "end": "9999-01-01", "extra": 1}, "end"),
        ("/requests", {"technician": "T001", "date": "0001-01-01", "work": True}, "date"),
        ("/coverage-rules", {"client": "C01", "shift": "day", "required": 1, "date": "9999-01-01"},
         "date"),
        # integers beyond 64 bits, huge weights
        ("/contracts", {"id": "K1", "max_minutes_total": 2**70}, "max_minutes_total"),
        ("/coverage-rules", {"client": "C01", "shift": "day", "required": 1,
                             "under_weight": 10**15}, "under_weight"),
        ("/requests", {"technician": "T001", "date": "2027-07-06", "work": True,
                       "weight": 2**64}, "weight"),
    ],
)
def test_values_the_planner_cannot_handle_are_422(client, users, path, body, field):
    r = client.post(V1 + path, json=body, headers=users.headers("manager"))
    assert r.status_code == 422, r.text
    assert field in _fields(r), r.text


@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
def test_nan_and_inf_hours_are_422(client, users, value):
    body = b'{"id": "K1", "max_hours_in_week": ' + value + b"}"
    r = client.post(V1 + "/contracts", content=body,
                    headers={**users.headers("manager"), "content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert "max_hours_in_week" in _fields(r)


def test_lower_case_country_is_stored_upper_case(client, users, db):
    r = client.post(V1 + "/clients", json={"id": "C50", "country": "be"},
                    headers=users.headers("manager"))
    assert r.status_code == 201, r.text
    assert r.json()["country"] == "BE"
    with Session(db.engine) as s:
        assert s.exec(select(t.ClientRow).where(t.ClientRow.id == "C50")).one().country == "BE"


def test_patch_is_validated_like_create(client, users):
    h = users.headers("manager")
    r = client.patch(V1 + "/clients/C01", json={"timezone": "/etc/localtime"}, headers=h)
    assert r.status_code == 422 and "timezone" in _fields(r)
    r = client.patch(V1 + "/technicians/T001", json={"country": "Mars"}, headers=h)
    assert r.status_code == 422 and "country" in _fields(r)


def test_absence_ending_at_midnight_is_accepted(client, users):
    """00:00 as an end time means midnight after the end date, not 'ends before it starts'."""
    r = client.post(V1 + "/absences", json={
        "technician": "T001", "start": "2027-07-06", "end": "2027-07-06",
        "start_time": "13:00", "end_time": "00:00"}, headers=users.headers("manager"))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("query", [
    "start=0001-01-01", "start=9999-12-31", "start=2027-01-01&end=9999-12-31",
    "start=2027-01-01&end=2099-01-01",
])
def test_schedule_query_ranges_are_422(client, users, query):
    r = client.get(f"{V1}/technicians/T001/schedule?{query}", headers=users.headers("manager"))
    assert r.status_code == 422, r.text


def test_plan_assignment_query_dates_are_422(client, users, make_plan):
    plan = make_plan()
    r = client.get(f"{V1}/plans/{plan}/assignments?start=0001-01-01",
                   headers=users.headers("manager"))
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(("body", "field"), [
    ({"horizon_start": "2199-12-01", "horizon_days": 60}, "horizon_days"),
    ({"horizon_start": "9999-12-01", "horizon_days": 60}, "horizon_start"),
    ({"horizon_start": "0001-01-01", "horizon_days": 7}, "horizon_start"),
])
def test_solve_horizon_outside_the_years_is_422(client, users, body, field):
    r = client.post(V1 + "/solve-jobs", json=body, headers=users.headers("manager"))
    assert r.status_code == 422, r.text
    assert field in _fields(r)


def test_nothing_refused_was_stored(client, users, db):
    h = users.headers("manager")
    client.post(V1 + "/clients", json={"id": "C;9"}, headers=h)
    client.post(V1 + "/clients", json={"id": "C51", "timezone": "Mars/Olympus"}, headers=h)
    with Session(db.engine) as s:
        ids = {c.id for c in s.exec(select(t.ClientRow)).all()}
    assert not ids & {"C;9", "C51"}


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00"])
def test_oncall_now_far_instants_are_422(client, users, at):
    r = client.get(V1 + "/oncall/now", params={"at": at}, headers=users.headers("coordinator"))
    assert r.status_code == 422, r.text
    assert "at" in _fields(r)
