"""``rota bench curtois``: table, files, failures and bad arguments.

The solve itself is replaced here by a stand-in that returns a stored roster (the
product pipeline is exercised end to end in test_end_to_end.py); what is tested is
what the command does with the solver's answer.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from planner.curtois import cli
from planner.curtois.roster import read_roster, roster_to_plan
from planner.domain import Plan
from solver.result import SolveResult

DATA = Path(__file__).parent / "data"
runner = CliRunner()

# mounted the way the rota entry point mounts it: `rota bench curtois ...`
rota = typer.Typer()


@rota.command()
def solve() -> None:  # a sibling command, so that `bench` is a real sub-group
    """Unused."""


rota.add_typer(cli.app, name="bench")


@dataclass
class Outcome:
    plan: Plan
    result: SolveResult


def fake_pipeline(monkeypatch, roster, objective, status="feasible", seen=None):
    def plan_scenario(scenario, options):
        if seen is not None:
            seen.append((scenario.name, options.seed, options.time_limit, options.workers))
        return Outcome(
            roster_to_plan(scenario, roster),
            SolveResult(status=status, objective=objective, best_bound=600.2, wall_seconds=1.5),
        )

    monkeypatch.setattr(cli, "_plan_scenario", plan_scenario)


@pytest.fixture
def bench(tmp_path):
    """A benchmark folder with Instance1 and its best-known table."""
    folder = tmp_path / "bench"
    folder.mkdir()
    shutil.copy(DATA / "Instance1.txt", folder)
    (folder / "best_known.csv").write_text("instance,best_known_upper_bound,lower_bound\nInstance1,607,607\n")
    return folder


def test_table_roster_and_results(monkeypatch, bench, tmp_path):
    seen: list = []
    fake_pipeline(monkeypatch, read_roster(DATA / "Instance1.roster.csv"), 607, "optimal", seen)
    out = tmp_path / "out"
    r = runner.invoke(
        rota,
        ["bench", "curtois", str(bench / "Instance1.txt"), "--time-limit", "7", "--workers", "1",
         "--seeds", "3", "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    assert seen == [("Instance1", s, 7.0, 1) for s in range(3)]
    assert "Instance1" in r.output and "607" in r.output and "0.00" in r.output
    assert read_roster(out / "Instance1.roster.csv") == tuple(sorted(read_roster(DATA / "Instance1.roster.csv")))
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert rows == [
        {
            "instance": "Instance1", "objective": "607", "best_known": "607", "gap_percent": "0.00",
            "lower_bound": "601", "status": "optimal", "seconds": "1.5", "seeds": "3",
            "seed_objectives": "607;607;607", "time_limit": "7", "workers": "1",
        }
    ]


def test_reported_objective_is_the_checkers_and_disagreement_fails(monkeypatch, bench, tmp_path):
    fake_pipeline(monkeypatch, read_roster(DATA / "Instance1.roster.csv"), 600)
    r = runner.invoke(rota, ["bench", "curtois", str(bench / "Instance1.txt"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "objectives disagree: solver 600, benchmark checker 607" in r.output
    rows = list(csv.DictReader((tmp_path / "o" / "results.csv").open()))
    assert rows[0]["objective"] == "607"


def test_hard_violation_fails(monkeypatch, bench, tmp_path):
    roster = list(read_roster(DATA / "Instance1.roster.csv")) + [("A", 0, "D")]  # A's day off
    fake_pipeline(monkeypatch, roster, None)
    r = runner.invoke(rota, ["bench", "curtois", str(bench / "Instance1.txt"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "hard violation" in r.output and "day off 0" in r.output


def test_no_roster_found_fails(monkeypatch, bench, tmp_path):
    fake_pipeline(monkeypatch, [], None, status="unknown")
    r = runner.invoke(rota, ["bench", "curtois", str(bench / "Instance1.txt"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert "solver status unknown: no roster found" in r.output


def test_best_known_missing_leaves_the_gap_blank(monkeypatch, tmp_path):
    fake_pipeline(monkeypatch, read_roster(DATA / "Instance1.roster.csv"), 607)
    r = runner.invoke(rota, ["bench", "curtois", str(DATA / "Instance1.txt"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    row = next(csv.DictReader((tmp_path / "o" / "results.csv").open()))
    assert (row["best_known"], row["gap_percent"]) == ("", "")


def test_explicit_best_known_and_gap(monkeypatch, tmp_path):
    fake_pipeline(monkeypatch, read_roster(DATA / "Instance1.roster.csv"), 607)
    table = tmp_path / "bk.csv"
    table.write_text("instance,best_known_upper_bound,lower_bound\nInstance1,500,400\n")
    r = runner.invoke(
        rota,
        ["bench", "curtois", str(DATA / "Instance1.txt"), "--best-known", str(table), "--out", str(tmp_path / "o")],
    )
    assert r.exit_code == 0, r.output
    row = next(csv.DictReader((tmp_path / "o" / "results.csv").open()))
    assert (row["best_known"], row["gap_percent"]) == ("500", "21.40")


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda d, t: [str(t / "nope.txt")], "nope.txt: no such file"),
        (lambda d, t: [str(d)], "d: is not a file"),
        (lambda d, t: [str(d / "broken.txt")], "broken.txt, line 4: horizon must be an integer, found 'four'"),
        (lambda d, t: [str(d / "Instance1.txt"), "--out", str(d / "Instance1.txt")], "exists and is not a folder"),
        (lambda d, t: [str(d / "Instance1.txt"), "--best-known", str(t / "none.csv")], "none.csv: cannot read"),
        (lambda d, t: [str(d / "Instance1.txt"), "--best-known", str(d / "Instance1.txt")], "expected the header"),
        (lambda d, t: [str(d / "Instance1.txt"), str(d / "Instance1.txt")], "instance Instance1 given twice"),
        (lambda d, t: [str(d / "Instance1.txt"), "--seeds", "0"], "Invalid value for '--seeds'"),
    ],
)
def test_bad_arguments_fail_without_traceback(monkeypatch, tmp_path, make_args, message):
    def never(*a):
        raise AssertionError("must not solve")

    monkeypatch.setattr(cli, "_plan_scenario", never)
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(DATA / "Instance1.txt", d)
    (d / "broken.txt").write_bytes((DATA / "tiny.txt").read_bytes().replace(b"# days\r\n7", b"# days\r\nfour"))
    r = runner.invoke(rota, ["bench", "curtois", *make_args(d, tmp_path)])
    assert r.exit_code == 2
    assert message in " ".join(r.output.split()), r.output
    assert "Traceback" not in r.output
    assert not isinstance(r.exception, AssertionError)
