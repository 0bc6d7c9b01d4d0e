"""The exit-code convention of the ``rota`` commands (README, Commands):
0 ok, 1 a hard violation, 2 bad input or usage, 3 no plan, 4 could not run."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

import planner.pipeline
from api.cli import app
from planner.exit_codes import ExitCode
from planner.generate import generate_scenario
from planner.scenario_files import save_scenario
from solver import SolveResult, SolveStatus

runner = CliRunner()


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A small generated scenario, planned once by ``rota solve``."""
    root = tmp_path_factory.mktemp("exit")
    save_scenario(generate_scenario(technicians=12, weeks=1, seed=3), root / "sc")
    r = runner.invoke(app, ["solve", str(root / "sc"), "--out", str(root / "plan"),
                            "--time-limit", "3", "--workers", "1"])
    return root, r


def test_a_valid_plan_exits_0_and_checks_0(planned):
    root, r = planned
    assert r.exit_code == ExitCode.ok == 0, r.output
    r = runner.invoke(app, ["check", str(root / "sc"), str(root / "plan")])
    assert r.exit_code == 0, r.output
    assert "no hard violation" in r.output


def test_a_plan_breaking_a_hard_rule_exits_1(planned, tmp_path):
    root, _ = planned
    rows = list(csv.DictReader((root / "plan" / "assignments.csv").open()))
    shifts = [r for r in rows if r["kind"] == "shift"]
    # the first shift's technician also takes another technician's shift that same day
    other = next(r for r in shifts[1:] if r["date"] == shifts[0]["date"]
                 and r["technician"] != shifts[0]["technician"] and r["shift"] != shifts[0]["shift"])
    bad = tmp_path / "plan"
    bad.mkdir()
    with (bad / "assignments.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows + [{**other, "technician": shifts[0]["technician"]}])
    r = runner.invoke(app, ["check", str(root / "sc"), str(bad)])
    assert r.exit_code == ExitCode.violation == 1, r.output
    assert "hard violation" in r.output


@pytest.mark.parametrize("args", [["solve", "no/such/folder", "--out", "x"],
                                  ["solve", "--no-such-option"],
                                  ["check", "no/such/folder", "x"]])
def test_bad_input_or_usage_exits_2(args):
    r = runner.invoke(app, args)
    assert r.exit_code == ExitCode.bad_input == 2, r.output


def test_no_plan_exits_3(planned, tmp_path, monkeypatch):
    root, _ = planned
    infeasible = SolveResult(status=SolveStatus.infeasible, conflicts=("min_rest: T001",))
    monkeypatch.setattr(planner.pipeline, "solve", lambda problem, options: infeasible)
    r = runner.invoke(app, ["solve", str(root / "sc"), "--out", str(tmp_path / "out"),
                            "--time-limit", "1"])
    assert r.exit_code == ExitCode.no_plan == 3, r.output
    assert "min_rest: T001" in r.output
