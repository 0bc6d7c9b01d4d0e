"""``rota import|export --team``: two teams round-trip through scenario folders; a
command that needs a team says so (naming ``--team``) once several exist."""

from __future__ import annotations

from typer.testing import CliRunner

from planner.generate import generate_scenario
from planner.scenario_files import load_scenario, save_scenario
from api.cli import app as cli

runner = CliRunner()


def test_import_export_round_trip_per_team(db, scenario, tmp_path):
    other = generate_scenario(12, 1, 3)
    save_scenario(scenario, tmp_path / "red")
    save_scenario(other, tmp_path / "blue")
    url = ["--database-url", db.url]

    def rota(*args, env=None):
        return runner.invoke(cli, [*args, *url], env=env)

    r = rota("import", str(tmp_path / "red"), "--team", "red")
    assert r.exit_code == 0 and "into team red" in r.output and "20 technicians" in r.output, r.output
    r = rota("import", str(tmp_path / "blue"), "--team", "blue")
    assert r.exit_code == 0 and "12 technicians" in r.output, r.output
    # several teams: a command without --team says which option is missing
    for args in (["export", str(tmp_path / "x")], ["import", str(tmp_path / "red"), "--replace"]):
        r = rota(*args)
        assert r.exit_code == 2 and "--team" in r.output and "red" in r.output, r.output
    r = rota("export", str(tmp_path / "x"), "--team", "green")  # export never creates a team
    assert r.exit_code == 2 and "no team 'green'" in r.output, r.output
    for name, source in (("red", scenario), ("blue", other)):
        r = rota("export", str(tmp_path / f"out-{name}"), "--team", name)
        assert r.exit_code == 0, r.output
        assert load_scenario(tmp_path / f"out-{name}") == load_scenario(tmp_path / name)
        assert len(load_scenario(tmp_path / f"out-{name}").technicians) == len(source.technicians)
    # replacing red's data leaves blue's alone
    r = rota("import", str(tmp_path / "blue"), "--team", "red")
    assert r.exit_code == 2 and "--replace" in r.output
    r = rota("import", str(tmp_path / "blue"), "--team", "red", "--replace")
    assert r.exit_code == 0, r.output
    rota("export", str(tmp_path / "red2"), "--team", "red")
    rota("export", str(tmp_path / "blue2"), "--team", "blue")
    assert load_scenario(tmp_path / "red2") == load_scenario(tmp_path / "blue")
    assert load_scenario(tmp_path / "blue2") == load_scenario(tmp_path / "blue")
    # users per team; one account in two teams (an administrator links a shared person)
    pw = {"ROTA_PASSWORD": "s3cret-enough"}
    assert rota("users", "add", "ann", "--role", "manager", env=pw).exit_code == 2
    assert rota("users", "add", "ann", "--role", "manager", "--team", "red", env=pw).exit_code == 0
    r = rota("users", "add", "ann", "--role", "technician", "--technician", "T001",
             "--team", "blue", env=pw)
    assert r.exit_code == 0 and "now technician in team blue" in r.output, r.output
    # retyping the command without --team changes nobody's role
    r = rota("users", "add", "ann", "--role", "coordinator", env=pw)
    assert r.exit_code == 2 and "--team" in r.output, r.output
    r = rota("users", "list")
    assert "ann\tred:manager, blue:technician technician=T001" in r.output, r.output
    r = rota("teams", "list")
    assert "red\tred\t12 technicians\t1 members" in r.output, r.output
    assert "blue\tblue\t12 technicians\t1 members" in r.output, r.output
