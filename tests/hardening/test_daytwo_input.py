"""Hostile input to the day-two commands (rota replan, explain, robustness): each case
is an input that once gave a traceback, a silently ignored change or a garbled message.
Expected: exit code 2, a message naming the file, line and column (or the option), no
traceback; a change with no effect is a warning in the output and summary.json."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from planner.outputs import write_assignments
from planner.replan.changes import load_changes
from planner.scenario_files import save_scenario
from planner.scenario_io.errors import ScenarioError
from tests.daytwo.helpers import published, scenario

runner = CliRunner()


@pytest.fixture
def folders(tmp_path):
    base = scenario()
    save_scenario(base, tmp_path / "sc")
    (tmp_path / "plan").mkdir()
    write_assignments(tmp_path / "plan" / "assignments.csv", base, published(base))
    (tmp_path / "ch").mkdir()
    return tmp_path


def _replan(tmp_path, *extra):
    return runner.invoke(app, ["replan", str(tmp_path / "sc"), "--plan", str(tmp_path / "plan"),
                               "--changes", str(tmp_path / "ch"), "--out", str(tmp_path / "out"),
                               "--now", "2027-07-05T00:00:00+00:00", "--time-limit", "3",
                               "--workers", "1", *extra])


def _refused(res, *needles):
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)  # no traceback
    text = " ".join(res.output.split())
    for n in needles:
        assert n in text, text


def test_departure_in_year_9999_names_file_line_column(folders):
    # before: a pydantic traceback (exit 1)
    (folders / "ch" / "departures.csv").write_text("technician,date\nA,9999-12-31\n")
    _refused(_replan(folders), "departures.csv, line 2, column 'date'", "1900-2199")


def test_departure_of_an_unknown_person_names_file_line_column(folders):
    # before: "changes: absence: unknown technician" with no file or line
    (folders / "ch" / "departures.csv").write_text("technician,date\nT99,2027-07-10\n")
    _refused(_replan(folders), "departures.csv, line 2, column 'technician'", "'T99'")


@pytest.mark.parametrize("name", ["absences.csv", "settings.toml", "notes"])
def test_a_folder_where_a_changes_file_should_be_is_refused(folders, name):
    # before: absences.csv/ (a folder) was skipped silently and the re-plan ran on nothing
    (folders / "ch" / name).mkdir()
    with pytest.raises(ScenarioError, match=name):
        load_changes(scenario(), folders / "ch")
    _refused(_replan(folders), name)


def test_bracketed_words_survive_in_error_messages(folders):
    # before: "a change may only set  and " (rich ate '[rules]' and '[weights]' as markup)
    (folders / "ch" / "settings.toml").write_text("[horizon]\ndays = 10000\n")
    _refused(_replan(folders), "settings.toml", "[rules] and [weights]")


def test_an_absence_outside_the_horizon_is_a_warning(folders):
    # before: "added absence" and no warning: a change that does nothing, silently
    (folders / "ch" / "absences.csv").write_text("technician,start,end\nA,2030-01-01,2030-01-05\n")
    res = _replan(folders)
    assert res.exit_code == 0, res.output
    assert "lies outside the horizon" in " ".join(res.output.split())
    warnings = json.loads((folders / "out" / "summary.json").read_text())["warnings"]
    assert any("2030-01-01" in w and "outside the horizon" in w for w in warnings)


@pytest.mark.parametrize("command", ["explain", "robustness"])
@pytest.mark.parametrize("target", ["missing/x.json", "."])
def test_json_to_a_path_that_cannot_be_written(folders, command, target):
    # before: a traceback (FileNotFoundError / IsADirectoryError)
    res = runner.invoke(app, [command, str(folders / "sc"), str(folders / "plan"),
                              "--json", str(folders / target)])
    _refused(res, "--json", "cannot write")


@pytest.mark.parametrize("args, needle", [
    (["--now", "9999-12-31T23:00:00+00:00"], "1900-2199"),  # before: OverflowError traceback
    (["--now", "0001-01-01"], "1900-2199"),  # before: accepted, a re-plan from year 1
    (["--frozen-hours", "1e308"], "--frozen-hours"),  # before: OverflowError traceback
    (["--frozen-hours", "inf"], "--frozen-hours"),  # before: pydantic traceback
    (["--max-changes", "99999999999999999999999"], "--max-changes"),  # before: TypeError
    (["--time-limit", "1e300"], "--time-limit"),
])
def test_replan_options_out_of_range(folders, args, needle):
    (folders / "ch" / "absences.csv").write_text("technician,start,end\nA,2027-07-13,2027-07-14\n")
    res = runner.invoke(app, ["replan", str(folders / "sc"), "--plan", str(folders / "plan"),
                              "--changes", str(folders / "ch"), "--out", str(folders / "out"),
                              "--workers", "1", *(args if "--now" in args else
                                                  ["--now", "2027-07-05T00:00:00+00:00", *args])])
    _refused(res, needle)
    assert not (folders / "out").exists()


def test_baseline_refuses_moments_and_budgets_the_engine_cannot_hold():
    import datetime as dt

    from pydantic import ValidationError

    from planner.domain import Baseline, Plan

    with pytest.raises(ValidationError, match="outside the years"):
        Baseline(plan=Plan(), now=dt.datetime(9999, 12, 31, tzinfo=dt.timezone.utc))
    with pytest.raises(ValidationError):
        Baseline(plan=Plan(), now=dt.datetime(2027, 7, 5, tzinfo=dt.timezone.utc),
                 frozen_hours=float("inf"))
    with pytest.raises(ValidationError):
        Baseline(plan=Plan(), now=dt.datetime(2027, 7, 5, tzinfo=dt.timezone.utc),
                 max_changes=2**63)


def _break_plan(folder, old: str, new: bytes | str) -> None:
    path = folder / "plan" / "assignments.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    new = new.encode() if isinstance(new, str) else new
    lines[1] = lines[1].replace(old.encode(), new, 1)
    path.write_bytes(b"".join(lines))


@pytest.mark.parametrize("old, new, needle", [
    # before: "'utf-8' codec can't decode byte 0xe9 in position ..." (no line)
    (",D,", b",\xe9,", "assignments.csv, line 2: not UTF-8"),
    (",D,", b",\x00,", "assignments.csv, line 2: NUL character"),
    # before: a pydantic dump of several lines without the line number
    ("2027-07-05,", "9999-12-31,", "line 2, column 'date': date 9999-12-31 is outside"),
    ("A,", "A;B,", "line 2, column 'technician': id 'A;B' holds ';'"),
    # before: the quote swallowed the rest of the file silently
    (",D,", ',"D,', "line 2: bad CSV: quoted cell is never closed"),
])
@pytest.mark.parametrize("command", ["explain", "robustness"])
def test_broken_plan_folder_names_file_line_column(folders, command, old, new, needle):
    _break_plan(folders, old, new)
    res = runner.invoke(app, [command, str(folders / "sc"), str(folders / "plan")])
    _refused(res, needle)
