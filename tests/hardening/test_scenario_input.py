"""Hardening of the scenario-folder loader and ``rota solve``: every broken input gets a
message naming the file, line and column, never a traceback; rows with no effect are
reported as warnings in the output and in summary.json.

Each case is an input that, before, ended in a traceback, a wrong line, a silent
acceptance or a failed solve.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from planner.scenario_files import ScenarioError, load_scenario
from tests.scenario_edit import DEMO, demo, rows, set_cell, write  # noqa: F401 (demo: fixture)


def append(folder: Path, file: str, row: dict[str, str]) -> int:
    """Add a row (by column name); returns its line number."""
    table = rows(folder, file)
    table.append([row.get(c, "") for c in table[0]])
    write(folder, file, table)
    return len(table)


def error(folder: Path) -> str:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(folder)
    return str(exc.value)


def set_settings(folder: Path, old: str, new: str) -> None:
    path = folder / "settings.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- values out of what the planner handles --------------------------------------------

@pytest.mark.parametrize(("file", "line", "column", "value", "needle"), [
    ("absences.csv", 2, "start", "0001-01-01", "outside the years 1900-2199"),
    ("absences.csv", 2, "end", "9999-12-31", "outside the years 1900-2199"),
    ("peaks.csv", 2, "end", "9999-12-31", "outside the years 1900-2199"),
    ("requests.csv", 2, "date", "0001-01-01", "outside the years 1900-2199"),
    ("fixed.csv", 2, "date", "9999-01-01", "outside the years 1900-2199"),
    ("contracts.csv", 2, "max_minutes_total", str(2**70), "less than or equal to 2147483647"),
    ("contracts.csv", 2, "max_hours_in_week", "nan", "finite number"),
    ("contracts.csv", 2, "max_hours_in_week", "inf", "finite number"),
    ("coverage.csv", 2, "required", "99999999999999999999", "less than or equal to 10000"),
    ("coverage.csv", 2, "under_weight", str(10**15), "less than or equal to 1000000"),
    ("requests.csv", 2, "weight", str(2**63), "less than or equal to 1000000"),
    # identifiers that would break the file format on export
    ("clients.csv", 2, "id", "BNK=1", "ids may not contain"),
])
def test_values_out_of_range_name_file_line_column(demo, file, line, column, value, needle):
    set_cell(demo, file, line, column, value)
    msg = error(demo)
    assert msg.startswith(f"{file}, line {line}, column {column!r}: "), msg
    assert needle in msg


def test_id_with_separator_in_a_list(demo):
    set_cell(demo, "technicians.csv", 2, "skills", 'en;"fr,x"')
    msg = error(demo)
    assert msg.startswith("technicians.csv, line 2, column 'skills': "), msg
    assert "ids may not contain" in msg


@pytest.mark.parametrize(("file", "column", "value", "needle"), [
    ("technicians.csv", "timezone", "/etc/localtime", "unknown time zone '/etc/localtime'"),
    ("technicians.csv", "timezone", "localtime", "unknown time zone 'localtime'"),
    ("oncall_rotations.csv", "timezone", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ("clients.csv", "country", "XX", "unknown country code 'XX'"),
    ("technicians.csv", "country", "Mars", "unknown country code 'MARS'"),
])
def test_zones_and_countries(demo, file, column, value, needle):
    set_cell(demo, file, 2, column, value)
    msg = error(demo)
    assert msg.startswith(f"{file}, line 2, column {column!r}: "), msg
    assert needle in msg


def test_lower_case_country_is_normalised(demo):
    set_cell(demo, "clients.csv", 2, "country", "be")
    assert load_scenario(demo).clients[0].country == "BE"


@pytest.mark.parametrize(("days", "ok"), [(732, True), (733, False), (10_000, False)])
def test_horizon_length_limit(demo, days, ok):
    set_settings(demo, "days = 28", f"days = {days}")
    if ok:
        assert load_scenario(demo).horizon.days == days
    else:
        msg = error(demo)
        assert msg.startswith("settings.toml, line 5, column 'horizon.days'"), msg
        assert "less than or equal to 732" in msg


def test_horizon_start_year(demo):
    set_settings(demo, "start = 2027-07-05", "start = 9999-07-05")
    assert "outside the years 1900-2199" in error(demo)


def test_huge_weight_in_settings(demo):
    set_settings(demo, "over_weight = 1", "over_weight = 100000000000000000000")
    msg = error(demo)
    assert msg.startswith("settings.toml, line 15, column 'weights.over_weight'"), msg


# --- encodings and bytes -----------------------------------------------------------------

def test_latin1_csv_names_file_line_and_utf8(demo):
    text = (demo / "absences.csv").read_text(encoding="utf-8")
    (demo / "absences.csv").write_bytes(text.encode("latin-1"))
    msg = error(demo)
    first_bad = next(i for i, ln in enumerate(text.splitlines(), 1) if not ln.isascii())
    assert msg.startswith(f"absences.csv, line {first_bad}: not UTF-8 text"), msg
    assert "UTF-8" in msg


def test_binary_csv(demo):
    (demo / "peaks.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    msg = error(demo)
    assert msg.startswith("peaks.csv, line 1: not UTF-8 text"), msg


def test_nul_byte_in_a_cell(demo):
    set_cell(demo, "technicians.csv", 3, "name", "Hugo\x00Mercier")
    msg = error(demo)
    assert msg.startswith("technicians.csv, line 3: NUL character"), msg


def test_latin1_settings(demo):
    text = (demo / "settings.toml").read_text(encoding="utf-8")
    (demo / "settings.toml").write_bytes(text.encode("latin-1"))
    assert error(demo).startswith("settings.toml, line 1: not UTF-8 text")


def test_unclosed_quote_is_reported_where_it_opens(demo):
    lines = (demo / "peaks.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",1,day,", ',1,"day,', 1)
    (demo / "peaks.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    msg = error(demo)
    assert msg.startswith("peaks.csv, line 2: bad CSV: a quoted cell is never closed"), msg


def test_folder_where_a_file_should_be(demo):
    (demo / "peaks.csv").unlink()
    (demo / "peaks.csv").mkdir()
    assert error(demo).startswith("peaks.csv: is a folder")
    (demo / "technicians.csv").unlink()
    (demo / "technicians.csv").mkdir()
    assert error(demo).startswith("technicians.csv: is a folder")


# --- times ---------------------------------------------------------------------------------

def test_24_00_ends_a_part_day_absence_at_midnight(demo):
    line = append(demo, "absences.csv", {"technician": "T02", "start": "2027-07-20",
                                         "end": "2027-07-20", "start_time": "13:00",
                                         "end_time": "24:00"})
    sc = load_scenario(demo)
    assert sc.absences[-1].end_time.hour == 0 and line > 2
    from planner.demands import Derived

    (start, end), = [iv for iv in Derived(sc).absence_intervals["T02"]
                     if iv[0].date().isoformat() == "2027-07-20"]
    assert (end - start).total_seconds() == 11 * 3600


@pytest.mark.parametrize(("text", "hhmm"), [("8h", "08:00"), ("8h30", "08:30"), ("8H00", "08:00")])
def test_hour_style_times(demo, text, hhmm):
    set_cell(demo, "shift_types.csv", 2, "start", text)
    assert load_scenario(demo).shift_types[0].start.strftime("%H:%M") == hhmm


def test_fixed_row_ending_before_it_starts(demo):
    set_cell(demo, "fixed.csv", 2, "end", "2027-07-05T07:00:00+02:00")
    msg = error(demo)
    assert msg.startswith("fixed.csv, line 2"), msg
    assert "before it starts" in msg


# --- through the command line ----------------------------------------------------------------

runner = CliRunner()


def test_rota_solve_bad_encoding_is_a_message_not_a_traceback(demo, tmp_path):
    text = (demo / "absences.csv").read_text(encoding="utf-8")
    (demo / "absences.csv").write_bytes(text.encode("latin-1"))
    r = runner.invoke(app, ["solve", str(demo), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    assert "absences.csv, line" in r.output and "UTF-8" in r.output


def test_fixed_shift_on_an_absence_is_refused_before_the_solve(demo, tmp_path):
    # T13 is away 2027-07-19..30 and trained on BNK with skill nl
    append(demo, "fixed.csv", {"technician": "T13", "date": "2027-07-20", "shift": "day",
                               "client": "BNK", "skill": "nl"})
    r = runner.invoke(app, ["solve", str(demo), "--out", str(tmp_path / "out"),
                            "--time-limit", "1", "--workers", "1"])
    assert r.exit_code == 2, r.output
    assert "fixed assignment of T13 on 2027-07-20" in r.output
    assert "absent" in r.output


def test_fixed_shift_outside_the_horizon_is_refused(demo, tmp_path):
    append(demo, "fixed.csv", {"technician": "T11", "date": "2027-09-06", "shift": "day",
                               "client": "BNK", "skill": "fr"})
    r = runner.invoke(app, ["solve", str(demo), "--out", str(tmp_path / "out"),
                            "--time-limit", "1", "--workers", "1"])
    assert r.exit_code == 2, r.output
    assert "fixed assignment of T11 on 2027-09-06" in r.output


def test_rows_with_no_effect_are_warned_in_output_and_summary(demo, tmp_path):
    append(demo, "peaks.csv", {"client": "BNK", "start": "2027-07-29", "end": "2027-07-30",
                               "extra": "1", "shift": "day", "skill": "FR"})
    append(demo, "coverage.csv", {"client": "BNK", "shift": "day", "skill": "DE",
                                  "required": "1"})
    append(demo, "requests.csv", {"technician": "T02", "date": "2030-07-17", "work": "false"})
    append(demo, "peaks.csv", {"client": "BNK", "start": "2026-01-01", "end": "2026-01-02",
                               "extra": "1"})
    out = tmp_path / "out"
    r = runner.invoke(app, ["solve", str(demo), "--out", str(out), "--time-limit", "2",
                            "--workers", "1"])
    assert r.exit_code == 0, r.output
    warnings = json.loads((out / "summary.json").read_text())["warnings"]
    assert len(warnings) == 4, warnings
    assert any("skill 'FR'" in w and "did you mean 'fr'" in w for w in warnings)
    assert any("skill 'DE'" in w for w in warnings)
    assert any("2030-07-17" in w and "outside the horizon" in w for w in warnings)
    assert any("2026-01-01" in w and "outside the horizon" in w for w in warnings)
    flat = " ".join(r.output.split())
    assert flat.count("warning:") == 4
    assert "did you mean 'fr'" in flat


def test_demo_has_no_warning():
    from planner.lint import scenario_warnings

    assert scenario_warnings(load_scenario(DEMO)) == []


def test_every_weight_at_its_maximum_still_gives_a_valid_plan(demo):
    """Huge weights used to overflow the objective (status 'invalid', an empty plan); at
    the documented maxima the objective stays exact and the checker agrees."""
    import re

    from planner.pipeline import plan_scenario
    from planner.validation import MAX_FACTOR, MAX_WEIGHT
    from solver.result import SolveOptions

    path = demo / "settings.toml"
    text = path.read_text(encoding="utf-8")
    head, weights = text.split("[weights]")
    weights = re.sub(r"= \d+(\.\d+)?\n", f"= {MAX_WEIGHT}\n", weights)
    weights = weights.replace(f"peak_weight_factor = {MAX_WEIGHT}",
                              f"peak_weight_factor = {MAX_FACTOR}")
    path.write_text(head + "[weights]" + weights, encoding="utf-8")
    table = rows(demo, "coverage.csv")
    for r in table[1:]:
        r[table[0].index("under_weight")] = r[table[0].index("over_weight")] = str(MAX_WEIGHT)
    write(demo, "coverage.csv", table)
    table = rows(demo, "requests.csv")
    for r in table[1:]:
        r[table[0].index("weight")] = str(MAX_WEIGHT)
    write(demo, "requests.csv", table)
    sc = load_scenario(demo)
    assert sc.rules.over_weight == MAX_WEIGHT and sc.rules.tier_weights[1] == MAX_WEIGHT
    outcome = plan_scenario(sc, SolveOptions(time_limit=5, workers=1, seed=0))
    assert outcome.result.status in ("optimal", "feasible")
    assert not outcome.report.violations
    assert outcome.report.objective == outcome.result.objective


# --- found by feeding more broken folders --------------------------------------------------

def test_fixed_time_without_offset_is_read_in_the_client_zone(demo):
    """A date-time without offset crashed the compile step (naive vs aware comparison)."""
    set_cell(demo, "fixed.csv", 2, "start", "2027-07-05T08:00:00")
    set_cell(demo, "fixed.csv", 2, "end", "2027-07-05T16:30:00")
    assert load_scenario(demo).fixed == load_scenario(DEMO).fixed


@pytest.mark.parametrize(("old", "new", "where", "needle"), [
    ('"oncall" = 6', '"oncal" = 6', "line 27, column 'weights.fairness'",
     "unknown fairness categories 'oncal'"),
    ("over_weight = 1", "over_weight = true", "line 15, column 'weights.over_weight'",
     "expected a number, not true"),
    ("3 = 20", "4 = 20", "line 22, column 'weights.tiers'", "less than or equal to 3"),
])
def test_settings_that_were_silently_accepted(demo, old, new, where, needle):
    set_settings(demo, old, new)
    msg = error(demo)
    assert msg.startswith(f"settings.toml, {where}: "), msg
    assert needle in msg


def test_contract_min_consecutive_above_max(demo):
    set_cell(demo, "contracts.csv", 2, "min_consecutive_days", "7")
    set_cell(demo, "contracts.csv", 2, "max_consecutive_days", "3")
    assert error(demo) == ("contracts.csv, line 2: min_consecutive_days is above "
                           "max_consecutive_days")
