"""Migrations, scenario import/export round trip, and the database CLI commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, func, select
from typer.testing import CliRunner

from planner.scenario_files import load_scenario, save_scenario
from api import tables as t
from api.cli import app as cli
from api.db import current_revision, head_revision
from api.mapping import rows_to_scenario
from api.scenarios import ScenarioPresent, export_scenario, import_scenario, store_scenario

runner = CliRunner()


def test_migrations_build_exactly_the_tables(db):
    assert current_revision(db.url) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_round_trip_folder_database_folder(db, scenario, tmp_path: Path):
    save_scenario(scenario, tmp_path / "in")
    loaded = load_scenario(tmp_path / "in")
    import_scenario(db.engine, tmp_path / "in")
    export_scenario(db.engine, tmp_path / "out")
    assert load_scenario(tmp_path / "out") == loaded


def test_round_trip_keeps_history_and_fixed_shifts(db, scenario, outcome):
    # history and fixed assignments are rare in generated data: add some
    shifts = outcome.plan.assignments[:3]
    rich = scenario.model_copy(update={"history": shifts[:2], "fixed": shifts[2:]})
    with Session(db.engine) as s:
        store_scenario(s, rich)
        s.commit()
    with Session(db.engine) as s:
        assert rows_to_scenario(s) == rich


def test_import_refuses_to_overwrite_unless_asked(db, scenario, tmp_path):
    save_scenario(scenario, tmp_path / "s")
    import_scenario(db.engine, tmp_path / "s")
    with pytest.raises(ScenarioPresent, match="pass --replace"):
        import_scenario(db.engine, tmp_path / "s")
    import_scenario(db.engine, tmp_path / "s", replace=True)
    with Session(db.engine) as s:
        assert s.exec(select(func.count()).select_from(t.TechnicianRow)).one() == 20


def test_a_malformed_folder_writes_nothing_and_names_file_and_line(db, scenario, tmp_path):
    folder = tmp_path / "bad"
    save_scenario(scenario, folder)
    path = folder / "technicians.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",FT38,", ",NOPE,").replace(",FT40,", ",NOPE,").replace(",OPS24,", ",NOPE,")
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(cli, ["import", str(folder), "--database-url", db.url])
    assert result.exit_code == 2  # bad input (README, Commands: exit codes)
    assert "technicians.csv" in result.output
    with Session(db.engine) as s:
        assert s.exec(select(func.count()).select_from(t.TechnicianRow)).one() == 0


def test_cli_import_export_users(db, scenario, tmp_path):
    save_scenario(scenario, tmp_path / "s")
    url = ["--database-url", db.url]
    r = runner.invoke(cli, ["db", "upgrade", *url])
    assert r.exit_code == 0 and f"revision {head_revision()}" in r.output
    r = runner.invoke(cli, ["import", str(tmp_path / "s"), *url])
    assert r.exit_code == 0, r.output
    assert "20 technicians" in r.output
    r = runner.invoke(cli, ["export", str(tmp_path / "back"), *url])
    assert r.exit_code == 0, r.output
    assert load_scenario(tmp_path / "back") == load_scenario(tmp_path / "s")
    r = runner.invoke(cli, ["users", "add", "boss", "--role", "manager", *url],
                      env={"ROTA_PASSWORD": "s3cret-enough"})
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "add", "t1", "--role", "technician", *url],
                      env={"ROTA_PASSWORD": "s3cret-enough"})
    assert r.exit_code == 2 and "linked to a technician" in r.output
    r = runner.invoke(cli, ["users", "add", "t1", "--role", "technician", "--technician", "T001",
                            *url], env={"ROTA_PASSWORD": "s3cret-enough"})
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "add", "weak", "--role", "manager", *url],
                      env={"ROTA_PASSWORD": "short"})
    assert r.exit_code == 2 and "at least 8" in r.output
    r = runner.invoke(cli, ["users", "add", "boss", "--role", "technician", "--technician", "T001",
                            *url], env={"ROTA_PASSWORD": "s3cret-enough"})
    assert r.exit_code == 2 and "already exists" in r.output  # no silent change of role
    r = runner.invoke(cli, ["users", "list", *url])
    assert "boss\tmanager" in r.output and "t1\ttechnician technician=T001" in r.output
    with Session(db.engine) as s:
        boss = s.exec(select(t.UserRow).where(t.UserRow.username == "boss")).one()
        assert boss.password_hash.startswith("$argon2id$")
        assert "s3cret" not in boss.password_hash


def test_login_with_the_password_flow(client, db, scenario, tmp_path):
    save_scenario(scenario, tmp_path / "s")
    runner.invoke(cli, ["users", "add", "boss", "--role", "manager", "--database-url", db.url],
                  env={"ROTA_PASSWORD": "s3cret-enough"})
    r = client.post("/api/v1/auth/token", data={"username": "boss", "password": "wrong-password"})
    assert r.status_code == 400
    r = client.post("/api/v1/auth/token", data={"username": "boss", "password": "s3cret-enough"})
    assert r.status_code == 200
    token = r.json()["access_token"]
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "boss" and me["role"] == "manager"
    assert client.get("/api/v1/users/me", headers={"Authorization": "Bearer forged"}).status_code == 401
