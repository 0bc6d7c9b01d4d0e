"""Migration 0008_teams: a populated single-scenario database (revision 0007) moves
into a first team without loss, its users keep their roles there, the application
works on it; a downgrade is allowed with one team and refused with several."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, func, insert, select, text
from sqlmodel import Session

from planner.domain import Scenario
from api import tables as t
from api.app import create_app
from api.auth import hash_password
from api.db import current_revision, head_revision, make_engine, upgrade
from api.mapping import plan_to_rows, rows_to_scenario, scenario_to_rows
from api.settings import Settings

from conftest import PASSWORD, RecordingRunner
from test_hardening_calendar import empty_url  # noqa: F401 (fixture)

V1 = "/api/v1"
BEFORE = "0007_swap_proposals"
TABLES = ("skill", "contract", "technician", "client", "shift_type", "coverage_rule",
          "oncall_rotation", "absence", "peak", "request", "scenario_assignment", "plan",
          "plan_assignment", "plan_oncall", "solve_job", "swap_proposal", "job_report",
          "app_user", "scenario")


def _plain(value):
    """A value as a 0007 column takes it (datetimes as naive UTC, like UTCDateTime)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _row(obj) -> dict:
    return {c.name: _plain(getattr(obj, c.name)) for c in obj.__table__.columns
            if c.name != "team_id" and not (c.name == "id" and getattr(obj, c.name) is None)}


def populate_0007(url: str, scenario: Scenario, outcome) -> dict:
    """Write a scenario, two users, a published plan, a job, a proposal and a report
    into a database at revision 0007, with the columns of that revision."""
    upgrade(url, BEFORE)
    engine = make_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    counts = {}
    with engine.begin() as conn:
        for obj in scenario_to_rows(scenario):
            data = _row(obj)
            if obj.__tablename__ == "scenario":
                data["id"] = 1
            conn.execute(insert(meta.tables[obj.__tablename__]), data)
        now = t.utcnow().replace(tzinfo=None)
        users = [{"username": "boss", "full_name": "Boss", "role": "manager", "technician_id": None,
                  "password_hash": hash_password(PASSWORD), "active": True, "created_at": now},
                 {"username": "camille", "full_name": "", "role": "technician",
                  "technician_id": "T001", "password_hash": hash_password(PASSWORD),
                  "active": True, "created_at": now}]
        conn.execute(insert(meta.tables["app_user"]), users)
        conn.execute(insert(meta.tables["solve_job"]), {
            "id": 1, "status": "succeeded", "name": "j", "horizon_start": scenario.horizon.start,
            "horizon_days": scenario.horizon.days, "options": {}, "created_at": now,
            "cancel_requested": False, "error": "", "scenario_id": 1, "worker": "", "attempts": 1,
            "plan_id": 1})
        conn.execute(insert(meta.tables["plan"]), {
            "id": 1, "name": "published one", "status": "published",
            "horizon_start": scenario.horizon.start, "horizon_days": scenario.horizon.days,
            "job_id": 1, "created_at": now, "published_at": now, "solver_status": "optimal",
            "options": {}, "penalties": {}, "violations": [], "fairness": [], "coverage": []})
        for obj in plan_to_rows(outcome.plan, 1):
            conn.execute(insert(meta.tables[obj.__tablename__]),
                         {k: v for k, v in _row(obj).items() if k != "id"})
        conn.execute(insert(meta.tables["swap_proposal"]), {
            "plan_id": 1, "status": "open", "technician": "T001", "to": "T002",
            "duty": {"x": 1}, "verdict": {"ok": True}, "created_at": now, "reason": ""})
        conn.execute(insert(meta.tables["job_report"]), {
            "job_id": 1, "plan_id": 1, "kind": "explain", "body": {"gaps": []}, "created_at": now})
        if conn.dialect.name == "postgresql":  # ids given above: move the sequences past them
            for name in ("plan", "solve_job"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT max(id) FROM {name}))"))
        for name in TABLES:
            counts[name] = conn.execute(select(func.count()).select_from(meta.tables[name])).scalar()
    engine.dispose()
    return counts


def _counts(engine) -> dict:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {n: conn.execute(select(func.count()).select_from(meta.tables[n])).scalar()
                for n in TABLES}


def test_upgrade_moves_everything_into_a_first_team_and_the_app_works(
        empty_url, scenario, outcome):  # noqa: F811
    counts = populate_0007(empty_url, scenario, outcome)
    assert counts["plan_assignment"] == len(outcome.plan.assignments) > 0
    upgrade(empty_url)
    assert current_revision(empty_url) == head_revision()
    engine = make_engine(empty_url)
    try:
        assert _counts(engine) == counts  # every row kept
        with Session(engine) as s:
            teams = s.execute(select(t.TeamRow)).scalars().all()
            assert [(x.id, x.slug, x.name) for x in teams] == [
                (1, "generated-msp-20-technicians-seed-0", scenario.name)]
            # the whole scenario, as it was stored
            assert rows_to_scenario(s) == scenario
            roles = s.execute(select(t.UserRow.username, t.MembershipRow.role,
                                     t.MembershipRow.technician_id, t.MembershipRow.team_id)
                              .join(t.MembershipRow, t.MembershipRow.user_id == t.UserRow.id)
                              .order_by(t.UserRow.username)).all()
            assert [tuple(r) for r in roles] == [("boss", "manager", None, 1),
                                                 ("camille", "technician", "T001", 1)]
            for table in (t.TechnicianRow, t.PlanRow, t.PlanAssignmentRow, t.SolveJobRow,
                          t.SwapProposalRow, t.JobReportRow, t.ScenarioRow):
                assert set(s.execute(select(table.team_id)).scalars().all()) == {1}
        app = create_app(Settings(database_url=empty_url), engine=engine, runner=RecordingRunner())
        with TestClient(app) as client:
            def login(name):
                r = client.post(f"{V1}/auth/token", data={"username": name, "password": PASSWORD})
                return {"Authorization": f"Bearer {r.json()['access_token']}"}
            boss, camille = login("boss"), login("camille")
            assert len(client.get(f"{V1}/technicians", headers=boss).json()) == len(scenario.technicians)
            r = client.get(f"{V1}/plans/1/assignments", headers=boss)
            assert len(r.json()) == len(outcome.plan.assignments)
            r = client.get(f"{V1}/technicians/T001/schedule?start={scenario.horizon.start}",
                           headers=camille)
            assert len(r.json()["assignments"]) == sum(
                1 for a in outcome.plan.assignments if a.technician == "T001")
            assert client.get(f"{V1}/users/me", headers=camille).json()["role"] == "technician"
            r = client.post(f"{V1}/solve-jobs", json={"time_limit": 1}, headers=boss)
            assert r.status_code == 202, r.text
            # a new team can now be added beside the migrated one
            assert client.get(f"{V1}/teams", headers=boss).json()[0]["id"] == 1
        with Session(engine) as s:
            s.add(t.TeamRow(slug="second", name="second", created_at=t.utcnow()))
            s.commit()
        # a downgrade with two teams is refused, and changes nothing
        with pytest.raises(RuntimeError, match="2 teams .*second"):
            upgrade_to(empty_url, BEFORE)
        assert current_revision(empty_url) == head_revision()
        with Session(engine) as s:
            s.execute(t.TeamRow.__table__.delete().where(t.TeamRow.slug == "second"))
            s.commit()
    finally:
        engine.dispose()
    # with one team it goes back to the single scenario, every row kept
    upgrade_to(empty_url, BEFORE)
    assert current_revision(empty_url) == BEFORE
    engine = make_engine(empty_url)
    try:
        assert _counts(engine) == {**counts, "solve_job": counts["solve_job"] + 1}
        with engine.connect() as conn:
            users = conn.execute(text("SELECT username, role, technician_id FROM app_user "
                                      "ORDER BY username")).all()
            assert [tuple(u) for u in users] == [("boss", "manager", None),
                                                 ("camille", "technician", "T001")]
            assert conn.execute(text("SELECT id FROM scenario")).scalars().all() == [1]
    finally:
        engine.dispose()
    upgrade(empty_url)  # and up again
    assert current_revision(empty_url) == head_revision()


def upgrade_to(url: str, revision: str) -> None:
    from alembic import command

    from api.db import alembic_config

    command.downgrade(alembic_config(url), revision)


def test_an_empty_database_gets_no_team_until_data_arrive(empty_url, scenario):  # noqa: F811
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with Session(engine) as s:
            assert s.execute(select(func.count()).select_from(t.TeamRow)).scalar() == 0
            from api.scenarios import store_scenario

            store_scenario(s, scenario)  # the first import creates "default"
            s.commit()
            assert s.execute(select(t.TeamRow.slug)).scalars().all() == ["default"]
    finally:
        engine.dispose()
