"""Changes folders: the scenario's own columns, errors naming file, line and column;
``rota replan`` end to end on files."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from api.cli import app
from planner.check import check
from planner.outputs import read_plan
from planner.replan.changes import load_changes
from planner.scenario_files import save_scenario
from planner.scenario_io.errors import ScenarioError

from .helpers import day, published, scenario


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_folder_applies_every_kind_of_change(tmp_path):
    base = scenario()
    ch = tmp_path / "ch"
    _write(ch, "absences.csv", "technician,start,end,kind,reason\nA,2027-07-13,2027-07-14,unplanned,flu\n")
    _write(ch, "peaks.csv", "client,start,end,extra,reason\nacme,2027-07-15,2027-07-15,1,migration\n")
    _write(ch, "coverage.csv", "client,shift,required,date\nacme,N,1,2027-07-16\n")
    _write(ch, "technicians.csv", "id,name,contract,clients,skills\nC,Chloé,std,acme,linux\n")
    _write(ch, "departures.csv", "technician,date\nB,2027-07-17\n")
    _write(ch, "settings.toml", "[rules]\nmin_rest_hours = 12\n")
    sc, notes = load_changes(base, ch)
    assert {t.id for t in sc.technicians} == {"A", "B", "K", "C"}
    assert [(a.technician, a.start, a.end) for a in sc.absences] == [
        ("A", day(8), day(9)), ("B", day(12), day(13))]
    assert len(sc.peaks) == 1 and sc.coverage[-1].date == day(11)
    assert sc.rules.min_rest_hours == 12 and sc.rules.over_weight == base.rules.over_weight
    assert len(notes) == 6


@pytest.mark.parametrize("name, text, message", [
    ("absences.csv", "technician,start,end\nZ,2027-07-13,2027-07-14\n",
     "absences.csv, line 2, column 'technician': unknown technician 'Z'"),
    ("absences.csv", "technician,start,end\nA,2027-07-13,13/07\n",
     "absences.csv, line 2, column 'end'"),
    ("departures.csv", "technician,date\nA,\n", "departures.csv, line 2, column 'date': missing value"),
    ("holidays.csv", "x\n1\n", "holidays.csv: not a changes file"),
    ("settings.toml", "[horizon]\ndays = 3\n", "settings.toml, column 'horizon'"),
])
def test_bad_changes_are_named(tmp_path, name, text, message):
    _write(tmp_path / "ch", name, text)
    with pytest.raises(ScenarioError) as exc:
        load_changes(scenario(), tmp_path / "ch")
    assert message in str(exc.value)


def test_single_file(tmp_path):
    _write(tmp_path, "absences.csv", "technician,start,end\nA,2027-07-13,2027-07-14\n")
    sc, _ = load_changes(scenario(), tmp_path / "absences.csv")
    assert len(sc.absences) == 1


def test_cli_replan_end_to_end(tmp_path):
    base = scenario()
    save_scenario(base, tmp_path / "sc")
    from planner.outputs import write_assignments

    (tmp_path / "plan").mkdir()
    write_assignments(tmp_path / "plan" / "assignments.csv", base, published(base))
    _write(tmp_path / "ch", "absences.csv", "technician,start,end\nA,2027-07-13,2027-07-15\n")
    runner = CliRunner()
    res = runner.invoke(app, ["replan", str(tmp_path / "sc"), "--plan", str(tmp_path / "plan"),
                              "--changes", str(tmp_path / "ch"), "--out", str(tmp_path / "out"),
                              "--now", "2027-07-05T00:00:00+00:00", "--time-limit", "5",
                              "--workers", "1"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((tmp_path / "out" / "changes.csv").open()))
    assert {(r["technician"], r["date"], r["change"]) for r in rows} == {
        ("A", "2027-07-13", "removed"), ("A", "2027-07-15", "removed"),
        ("K", "2027-07-13", "added"), ("K", "2027-07-15", "added")}
    notify = list(csv.DictReader((tmp_path / "out" / "notify.csv").open()))
    assert [n["technician"] for n in notify] == ["A", "K"]
    # the written plan passes the checker against the changed scenario
    changed, _ = load_changes(base, tmp_path / "ch")
    assert check(changed, read_plan(tmp_path / "out")).hard_ok


def test_cli_replan_bad_now(tmp_path):
    base = scenario()
    save_scenario(base, tmp_path / "sc")
    (tmp_path / "plan").mkdir()
    from planner.outputs import write_assignments

    write_assignments(tmp_path / "plan" / "assignments.csv", base, published(base))
    _write(tmp_path / "ch", "absences.csv", "technician,start,end\nA,2027-07-13,2027-07-15\n")
    res = CliRunner().invoke(app, ["replan", str(tmp_path / "sc"), "--plan", str(tmp_path / "plan"),
                                   "--changes", str(tmp_path / "ch"), "--out", str(tmp_path / "o"),
                                   "--now", "tomorrow"])
    assert res.exit_code == 2 and "--now 'tomorrow'" in res.output
