"""No silent data loss: whatever the API accepts survives ``rota export`` ->
``rota import --replace`` unchanged (pending and rejected rows included) and can be
solved; users linked to technicians are never orphaned by an import.
"""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select
from typer.testing import CliRunner

from planner.pipeline import plan_scenario
from planner.validation import countries, time_zones
from solver.result import SolveOptions
from api import tables as t
from api.cli import app
from api.mapping import rows_to_scenario
from api.scenarios import LinkedUsers, export_scenario, import_scenario, store_scenario

V1 = "/api/v1"

# every printable character but the surrogates (not encodable as JSON text)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
ID = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
DAY = st.dates(dt.date(1890, 1, 1), dt.date(2210, 12, 31)).map(dt.date.isoformat)
NEAR = st.dates(dt.date(2027, 6, 1), dt.date(2027, 8, 31)).map(dt.date.isoformat)
TIME = st.sampled_from([None, "00:00", "06:30", "12:00", "23:59"])
ZONE = st.sampled_from(sorted(time_zones()) + ["Mars/Olympus", "/etc/localtime"])
COUNTRY = st.sampled_from(sorted(countries())[:40] + ["be", "fr", "XX", ""])
TECH = st.sampled_from(["T001", "T002", "T003", "T004"])

BODIES = st.one_of(
    st.tuples(st.just("/skills"), st.fixed_dictionaries({"id": ID, "name": TEXT})),
    st.tuples(st.just("/absences"), st.fixed_dictionaries({
        "technician": TECH, "start": NEAR, "end": NEAR, "start_time": TIME, "end_time": TIME,
        "kind": st.sampled_from(["planned", "unplanned"]), "reason": TEXT})),
    st.tuples(st.just("/absences"), st.fixed_dictionaries({
        "technician": TECH, "start": DAY, "end": DAY, "reason": TEXT})),
    st.tuples(st.just("/requests"), st.fixed_dictionaries({
        "technician": TECH, "date": DAY, "work": st.booleans(),
        "weight": st.integers(-5, 2000), "shift": st.sampled_from(["", "day", "night"])})),
    st.tuples(st.just("/peaks"), st.fixed_dictionaries({
        "client": st.just("C01"), "start": NEAR, "end": NEAR, "extra": st.integers(0, 50),
        "reason": TEXT})),
    st.tuples(st.just("/clients"), st.fixed_dictionaries({
        "id": ID, "name": TEXT, "timezone": ZONE, "country": COUNTRY,
        "tier": st.integers(0, 4)})),
    st.tuples(st.just("/technicians"), st.fixed_dictionaries({
        "id": ID, "name": TEXT, "email": TEXT, "country": COUNTRY, "timezone": ZONE,
        "contract": st.just("FT38"), "clients": st.just(["C01"]),
        "skills": st.just(["fr"]), "site": TEXT})),
    st.tuples(st.just("/contracts"), st.fixed_dictionaries({
        "id": ID, "name": TEXT,
        "max_hours_in_week": st.one_of(st.none(), st.floats(0, 20_000)),
        "max_minutes_total": st.one_of(st.none(), st.integers(0, 2**40))})),
    st.tuples(st.just("/coverage-rules"), st.fixed_dictionaries({
        "client": st.just("C02"), "shift": st.just("day"), "skill": st.just(""),
        "required": st.integers(0, 3), "date": st.one_of(st.none(), DAY),
        "under_weight": st.one_of(st.none(), st.integers(0, 2_000_000))})),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(writes=st.lists(BODIES, min_size=1, max_size=3),
       statuses=st.lists(st.sampled_from(["pending", "rejected", "approved"]), max_size=3))
def test_whatever_the_api_accepts_survives_export_import_and_a_solve(
        client, users, db, scenario, tmp_path_factory, writes, statuses):
    with Session(db.engine) as s:
        store_scenario(s, scenario, replace=True)
        s.commit()
    h = users.headers("manager")
    owned: list[str] = []
    for path, body in writes:
        r = client.post(V1 + path, json=body, headers=h)
        assert r.status_code in (201, 409, 422), (path, body, r.status_code, r.text)
        if r.status_code == 201 and path in ("/absences", "/requests"):
            owned.append(f"{path}/{r.json()['id']}")
    for url, status in zip(owned, statuses):  # pending and rejected rows must survive too
        assert client.put(f"{V1}{url}/status", json={"status": status}, headers=h).status_code in (200, 409)
    with Session(db.engine) as s:
        before = rows_to_scenario(s)
    folder = tmp_path_factory.mktemp("export")
    export_scenario(db.engine, folder)
    import_scenario(db.engine, folder, replace=True)
    with Session(db.engine) as s:
        after = rows_to_scenario(s)
    assert after == before
    outcome = plan_scenario(after, SolveOptions(time_limit=2, workers=1, seed=0))
    assert outcome.result.status != "invalid"
    if outcome.result.status in ("optimal", "feasible"):
        assert not outcome.report.violations
        assert outcome.report.objective == outcome.result.objective


def test_pending_and_rejected_rows_survive_the_cli_round_trip(client, users, db, tmp_path):
    h = users.headers("manager")
    ids = {}
    for status, day in (("pending", "2027-09-01"), ("rejected", "2027-09-03")):
        r = client.post(V1 + "/absences", json={"technician": "T003", "start": day, "end": day},
                        headers=h)
        ids[status] = r.json()["id"]
        client.put(f"{V1}/absences/{ids[status]}/status", json={"status": status}, headers=h)
    r = client.post(V1 + "/requests", json={"technician": "T003", "date": "2027-07-07",
                                            "work": False}, headers=users.headers("manager"))
    client.put(f"{V1}/requests/{r.json()['id']}/status", json={"status": "pending"}, headers=h)
    run = CliRunner()
    env = {"DATABASE_URL": db.url}
    out = run.invoke(app, ["export", str(tmp_path / "x")], env=env)
    assert out.exit_code == 0, out.output
    text = (tmp_path / "x" / "absences.csv").read_text()
    assert "pending" in text and "rejected" in text
    out = run.invoke(app, ["import", "--replace", str(tmp_path / "x")], env=env)
    assert out.exit_code == 0, out.output
    got = client.get(V1 + "/absences?technician=T003", headers=h).json()
    assert sorted(a["status"] for a in got if a["start"] >= "2027-09-01") == ["pending", "rejected"]
    got = client.get(V1 + "/requests?technician=T003&status=pending", headers=h).json()
    assert [q["date"] for q in got] == ["2027-07-07"]


def test_import_refuses_to_orphan_linked_users(users, db, scenario, tmp_path: Path):
    smaller = scenario.model_copy(update={
        "technicians": tuple(x for x in scenario.technicians if x.id != "T002"),
        "absences": tuple(a for a in scenario.absences if a.technician != "T002"),
        "requests": tuple(q for q in scenario.requests if q.technician != "T002"),
    })
    with Session(db.engine) as s:
        with pytest.raises(LinkedUsers, match=r"other \(technician T002\)"):
            store_scenario(s, smaller, replace=True)
        s.rollback()
    with Session(db.engine) as s:  # nothing was written
        assert s.exec(select(t.TechnicianRow).where(t.TechnicianRow.id == "T002")).first() is not None


def test_skill_names_and_unused_skills_survive_the_round_trip(client, users, db, tmp_path):
    h = users.headers("manager")
    assert client.post(V1 + "/skills", json={"id": "cobol", "name": "COBOL (legacy)"},
                       headers=h).status_code == 201
    assert client.patch(V1 + "/skills/fr", json={"name": "Français"}, headers=h).status_code == 200
    export_scenario(db.engine, tmp_path / "x")
    import_scenario(db.engine, tmp_path / "x", replace=True)
    got = {k["id"]: k["name"] for k in client.get(V1 + "/skills", headers=h).json()}
    assert got["cobol"] == "COBOL (legacy)" and got["fr"] == "Français"
