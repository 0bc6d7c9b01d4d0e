"""Scenario folders: round trip, and one exact error message per kind of bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.domain import (
    Absence, AbsenceKind, Assignment, Client, Contract, CoverageRule, Horizon, OnCallRotation,
    Peak, Request, RuleSettings, Scenario, ServiceWindow, ShiftType, Technician,
)
from planner.scenario_files import ScenarioError, load_scenario, save_scenario
from planner.scenario_io.cells import fmt_windows, parse_windows
from tests.scenario_edit import DEMO, demo, rows, set_cell, write  # noqa: F401 (demo: fixture)


def line_of(folder: Path, file: str, first_cell: str) -> int:
    return next(i for i, r in enumerate(rows(folder, file), 1) if r and r[0] == first_cell)


def error(folder: Path) -> str:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(folder)
    assert isinstance(exc.value, ValueError)
    return str(exc.value)


# --- round trip --------------------------------------------------------------------

def edge_scenario() -> Scenario:
    """Values that a naive writer loses: None vs default, empty sets, order, times."""
    tz = dt.timezone(dt.timedelta(hours=2))
    return Scenario(
        name="Édge, \"quoted\"; semi",
        horizon=Horizon(start=dt.date(2027, 1, 4), days=10),
        rules=RuleSettings(min_rest_hours=10.5, forbidden_successions=frozenset({("n", "e")}),
                           oncall_min_gap=0, tier_weights={1: 7, 3: 2}, over_weight=0,
                           peak_weight_factor=0.25, fairness_weights={"night": 1},
                           exempt_horizon_edges=False),
        contracts=(
            Contract(id="c1", max_hours_in_week=None, max_consecutive_days=None,
                     min_hours_per_week=30.5, shift_limits={"n": 0, "e": 3},
                     works_public_holidays=True, min_minutes_total=100, max_minutes_total=900),
            Contract(id="c2"),
        ),
        shift_types=(
            ShiftType(id="e", start=dt.time(6, 30), end=dt.time(14, 15, 30), night=False),
            ShiftType(id="n", name="Nuit", start=dt.time(22), end=dt.time(6), paid_minutes=420),
        ),
        clients=(
            Client(id="A", country="FR", timezone="Europe/Paris", tier=1,
                   covers_public_holidays=True, service_windows=(
                       ServiceWindow(weekday=5, start=dt.time(9), end=dt.time(13)),
                       ServiceWindow(weekday=0, start=dt.time(8), end=dt.time(12)),
                       ServiceWindow(weekday=0, start=dt.time(13), end=dt.time(0)),
                   )),
            Client(id="B", name="B, with comma"),
        ),
        technicians=(
            Technician(id="t1", contract="c1", skills=frozenset({"fr", "x y"}),
                       clients=frozenset({"A", "B"}), roles=frozenset({"backup", "dba"}),
                       oncall=True, timezone="Europe/Paris"),
            Technician(id="t2", contract="c2"),
        ),
        coverage=(
            CoverageRule(client="A", shift="e", required=0, weekdays=frozenset()),
            CoverageRule(client="A", shift="n", skill="fr", required=2,
                         weekdays=frozenset({6, 0, 2}), under_weight=0, over_weight=9),
            CoverageRule(client="B", shift="e", required=1, date=dt.date(2027, 1, 5)),
        ),
        rotations=(OnCallRotation(id="r", clients=frozenset({"A", "B"}), handover_weekday=4,
                                  handover_time=dt.time(17, 30), period_days=14, backup=False,
                                  skill="fr", timezone="Europe/Paris"),),
        absences=(Absence(technician="t1", start=dt.date(2027, 1, 5), end=dt.date(2027, 1, 5),
                          start_time=dt.time(13), end_time=dt.time(17),
                          kind=AbsenceKind.unplanned, reason="médecin; urgent"),),
        peaks=(Peak(client="A", start=dt.date(2027, 1, 6), end=dt.date(2027, 1, 7), extra=2),),
        requests=(Request(technician="t2", date=dt.date(2027, 1, 8), work=True, weight=0),),
        history=(Assignment(technician="t1", date=dt.date(2027, 1, 3), shift="n", client="A",
                            start=dt.datetime(2027, 1, 3, 22, tzinfo=tz),
                            end=dt.datetime(2027, 1, 4, 6, tzinfo=tz)),),
        fixed=(Assignment(technician="t2", date=dt.date(2027, 1, 4), shift="e", client="B",
                          skill="", start=dt.datetime(2027, 1, 4, 6, 30, tzinfo=tz),
                          end=dt.datetime(2027, 1, 4, 14, 15, 30, tzinfo=tz)),),
    )


def test_round_trip_keeps_every_value(tmp_path: Path) -> None:
    scenario = edge_scenario()
    save_scenario(scenario, tmp_path / "s")
    assert load_scenario(tmp_path / "s") == scenario


def test_round_trip_demo(tmp_path: Path) -> None:
    scenario = load_scenario(DEMO)
    save_scenario(scenario, tmp_path / "s")
    again = load_scenario(tmp_path / "s")
    assert again == scenario
    assert again.technicians == scenario.technicians  # same order too


@pytest.mark.parametrize("text, days", [
    ("mon-fri 08:00-18:00; sat 09:00-13:00", [0, 1, 2, 3, 4, 5]),
    ("24/7", list(range(7))),
    ("fri-mon 20:00-24:00", [4, 5, 6, 0]),
    ("mon,wed 08h00-12:00", [0, 2]),
])
def test_service_windows_text(text: str, days: list[int]) -> None:
    windows = parse_windows(text)
    assert [w.weekday for w in windows] == days
    assert parse_windows(fmt_windows(windows)) == windows


def test_history_times_derived_from_shift_type(demo: Path) -> None:
    table = rows(demo, "history.csv")
    table[1][table[0].index("start")] = ""
    table[1][table[0].index("end")] = ""
    write(demo, "history.csv", table)
    assert load_scenario(demo) == load_scenario(DEMO)


def test_semicolon_separated_export_loads(demo: Path) -> None:
    table = rows(demo, "peaks.csv")
    (demo / "peaks.csv").write_text("\n".join(";".join(r) for r in table) + "\n",
                                    encoding="utf-8-sig")
    assert load_scenario(demo).peaks == load_scenario(DEMO).peaks


def test_optional_files_may_be_absent(demo: Path) -> None:
    for f in ("history.csv", "fixed.csv", "requests.csv", "peaks.csv", "absences.csv",
              "oncall_rotations.csv", "coverage.csv"):
        (demo / f).unlink()
    s = load_scenario(demo)
    assert s.history == s.fixed == s.peaks == s.coverage == ()
    assert len(s.technicians) == len(load_scenario(DEMO).technicians)


def test_none_means_no_limit_and_empty_means_default(demo: Path) -> None:
    set_cell(demo, "contracts.csv", 2, "max_hours_in_week", "none")
    set_cell(demo, "contracts.csv", 3, "max_hours_in_week", "")
    contracts = load_scenario(demo).contracts
    assert contracts[0].max_hours_in_week is None
    assert contracts[1].max_hours_in_week == 48


# --- errors: folder and settings ------------------------------------------------------

def test_missing_folder(tmp_path: Path) -> None:
    assert error(tmp_path / "nope") == f"{tmp_path / 'nope'}: scenario folder not found"


def test_missing_settings(demo: Path) -> None:
    (demo / "settings.toml").unlink()
    assert error(demo) == f"settings.toml: file not found in scenario folder {str(demo)!r}"


def test_missing_required_file(demo: Path) -> None:
    (demo / "technicians.csv").unlink()
    assert error(demo) == f"technicians.csv: file not found in scenario folder {str(demo)!r}"


def test_settings_not_toml(demo: Path) -> None:
    (demo / "settings.toml").write_text("[horizon\nstart = 2027-07-05\n", encoding="utf-8")
    assert error(demo).startswith("settings.toml: not valid TOML: ")


def replace_settings(demo: Path, old: str, new: str) -> None:
    path = demo / "settings.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_settings_unknown_key(demo: Path) -> None:
    replace_settings(demo, "min_rest_hours", "min_rest")
    assert error(demo) == (
        "settings.toml, line 8, column 'rules.min_rest': unknown key (known: min_rest_hours, "
        "forbidden_successions, oncall_min_gap, exempt_horizon_edges)")


def test_settings_bad_value(demo: Path) -> None:
    replace_settings(demo, "over_weight = 1", "over_weight = -1")
    assert error(demo) == ("settings.toml, line 15, column 'weights.over_weight': "
                           "Input should be greater than or equal to 0")


def test_settings_bad_horizon(demo: Path) -> None:
    replace_settings(demo, "start = 2027-07-05", 'start = "5 juillet"')
    assert error(demo) == ("settings.toml, line 4, column 'horizon.start': "
                           "bad date '5 juillet' (expected YYYY-MM-DD)")


def test_settings_missing_horizon_key(demo: Path) -> None:
    replace_settings(demo, "days = 28\n", "")
    assert error(demo) == "settings.toml: [horizon]: missing key 'days'"


def test_settings_unknown_shift_in_succession(demo: Path) -> None:
    replace_settings(demo, '["late", "early"]', '["late", "earyl"]')
    assert error(demo) == ("settings.toml, line 12, column 'rules.forbidden_successions': "
                           "unknown shift type 'earyl'")


# --- errors: CSV structure --------------------------------------------------------------

def test_unknown_column(demo: Path) -> None:
    set_cell(demo, "technicians.csv", 1, "skills", "skils")
    assert error(demo) == (
        "technicians.csv, line 1, column 'skils': unknown column (known: id, name, email, "
        "phone, country, contract, skills, clients, roles, oncall, site, timezone)")


def test_missing_required_column(demo: Path) -> None:
    table = rows(demo, "technicians.csv")
    k = table[0].index("contract")
    write(demo, "technicians.csv", [r[:k] + r[k + 1:] for r in table])
    assert error(demo) == "technicians.csv, line 1: missing required column 'contract'"


def test_missing_required_value(demo: Path) -> None:
    set_cell(demo, "technicians.csv", 4, "contract", "")
    assert error(demo) == "technicians.csv, line 4, column 'contract': missing value"


def test_too_many_cells(demo: Path) -> None:
    table = rows(demo, "peaks.csv")
    table[2].append("extra")
    write(demo, "peaks.csv", table)
    assert error(demo) == "peaks.csv, line 3: 8 cells but the header names 7 columns"


def test_duplicate_id(demo: Path) -> None:
    set_cell(demo, "technicians.csv", 5, "id", "T01")
    assert error(demo) == "technicians.csv, line 5, column 'id': duplicate id 'T01' (first on line 2)"


# --- errors: cell values -----------------------------------------------------------------

@pytest.mark.parametrize("file, line, column, value, message", [
    ("absences.csv", 2, "start", "2027-13-01", "bad date '2027-13-01' (expected YYYY-MM-DD)"),
    ("shift_types.csv", 3, "end", "25:00", "bad time '25:00' (expected HH:MM, e.g. 08:00, 8h30 or 24:00)"),
    ("coverage.csv", 2, "required", "two", "not an integer: 'two'"),
    ("coverage.csv", 2, "required", "-1", "Input should be greater than or equal to 0"),
    ("contracts.csv", 2, "max_hours_per_week_avg", "38h", "not a number: '38h'"),
    ("technicians.csv", 2, "oncall", "peut-être",
     "not a yes/no value: 'peut-être' (expected true or false)"),
    ("clients.csv", 2, "service_windows", "mo-fri 08:00-18:00",
     "bad weekday 'mo' (expected one of mon, tue, wed, thu, fri, sat, sun)"),
    ("clients.csv", 2, "service_windows", "weekdays",
     "bad service window 'weekdays' (expected e.g. 'mon-fri 08:00-18:00' or '24/7')"),
    ("clients.csv", 2, "timezone", "Europe/Bruxelles", "unknown time zone 'Europe/Bruxelles' (expected an IANA name such as Europe/Brussels or UTC)"),
    ("clients.csv", 2, "tier", "4", "Input should be less than or equal to 3"),
    ("technicians.csv", 2, "timezone", "Mars/Olympus", "unknown time zone 'Mars/Olympus' (expected an IANA name such as Europe/Brussels or UTC)"),
    ("contracts.csv", 2, "shift_limits", "night:0",
     "bad shift limit 'night:0' (expected e.g. 'night=0')"),
    ("oncall_rotations.csv", 2, "handover_weekday", "lundi",
     "bad weekday 'lundi' (expected one of mon, tue, wed, thu, fri, sat, sun)"),
    ("peaks.csv", 2, "extra", "0", "Input should be greater than or equal to 1"),
    ("absences.csv", 2, "kind", "sick",
     "unknown value 'sick': Input should be 'planned' or 'unplanned'"),
])
def test_bad_cell(demo: Path, file, line, column, value, message) -> None:
    set_cell(demo, file, line, column, value)
    assert error(demo) == f"{file}, line {line}, column {column!r}: {message}"


def test_bad_role(demo: Path) -> None:
    set_cell(demo, "technicians.csv", 3, "roles", "helpdesk;chef")
    msg = error(demo)
    assert msg.startswith("technicians.csv, line 3, column 'roles': unknown value 'chef': "
                          "Input should be 'helpdesk', ")


# --- errors: references and domain rules --------------------------------------------------

@pytest.mark.parametrize("file, line, column, value, message", [
    ("technicians.csv", 7, "contract", "CDI-99", "unknown contract 'CDI-99'"),
    ("technicians.csv", 3, "clients", "LOG;XYZ", "unknown client 'XYZ'"),
    ("contracts.csv", 4, "shift_limits", "nite=0", "unknown shift type 'nite'"),
    ("coverage.csv", 3, "client", "BANK", "unknown client 'BANK'"),
    ("coverage.csv", 3, "shift", "noon", "unknown shift type 'noon'"),
    ("oncall_rotations.csv", 2, "clients", "BNK;HOP;ECOO", "unknown client 'ECOO'"),
    ("absences.csv", 4, "technician", "T99", "unknown technician 'T99'"),
    ("peaks.csv", 2, "client", "BANK", "unknown client 'BANK'"),
    ("peaks.csv", 3, "shift", "noon", "unknown shift type 'noon'"),
    ("requests.csv", 2, "technician", "T99", "unknown technician 'T99'"),
    ("requests.csv", 3, "shift", "midi", "unknown shift type 'midi'"),
    ("history.csv", 2, "client", "XYZ", "unknown client 'XYZ'"),
    ("fixed.csv", 2, "technician", "T00", "unknown technician 'T00'"),
])
def test_unknown_reference(demo: Path, file, line, column, value, message) -> None:
    set_cell(demo, file, line, column, value)
    assert error(demo) == f"{file}, line {line}, column {column!r}: {message}"


def test_absence_ends_before_it_starts(demo: Path) -> None:
    set_cell(demo, "absences.csv", 3, "start", "2027-07-04")
    set_cell(demo, "absences.csv", 3, "end", "2027-07-01")
    assert error(demo) == ("absences.csv, line 3: absence ends (2027-07-01) before it "
                           "starts (2027-07-04)")


def test_backup_trained_on_one_client(demo: Path) -> None:
    line = line_of(demo, "technicians.csv", "T47")
    set_cell(demo, "technicians.csv", line, "clients", "ASM")
    assert error(demo) == (f"technicians.csv, line {line}: backup technician T47 must be "
                           "trained on at least two client environments (trained on 1)")


def test_fixed_with_start_but_no_end(demo: Path) -> None:
    set_cell(demo, "fixed.csv", 2, "end", "")
    assert error(demo) == ("fixed.csv, line 2, column 'end': give both start and end, "
                           "or neither (derived from the shift type)")


def test_empty_files(demo: Path) -> None:
    (demo / "requests.csv").write_text("", encoding="utf-8")
    assert load_scenario(demo).requests == ()
    (demo / "clients.csv").write_text("", encoding="utf-8")
    assert error(demo) == ("clients.csv, line 1: empty file: the first line must name "
                           "the columns")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('min_rest_hours = 11', 'min_rest_hours = "eleven"',
     "settings.toml, line 8, column 'rules.min_rest_hours': expected a number, not 'eleven'"),
    ("over_weight = 1", "over_weigth = 1",
     "settings.toml, line 15, column 'weights.over_weigth': unknown key (known: tiers, "
     "over_weight, peak_weight_factor, oncall_unfilled_weight, fairness, continuity_weight, "
     "backup_use_weight)"),
    ('"night" = 4', '"night" = "four"',
     "settings.toml, line 27, column 'weights.fairness': expected a number, not 'four'"),
    ("exempt_horizon_edges = true", "exempt_horizon_edges = 1",
     "settings.toml, line 10, column 'rules.exempt_horizon_edges': Input should be a valid boolean"),
    ("days = 28", 'days = "28"', "settings.toml, line 5, column 'horizon.days': not an integer: '28'"),
    ('name = "Démo', 'name = 3\nlabel = "Démo', "settings.toml, line 1, column 'name': must be a string"),
    ("oncall_min_gap = 1", "oncall_min_gap = 1.5",
     "settings.toml, line 9, column 'rules.oncall_min_gap': not an integer: 1.5"),
])
def test_settings_types_are_checked_with_file_line_and_key(demo: Path, old, new, expected) -> None:
    replace_settings(demo, old, new)
    assert error(demo).startswith(expected), error(demo)


def test_contract_columns_doc_is_made_from_the_domain() -> None:
    """docs/scenario-format.md's contracts.csv table is the one planner.domain.Contract makes
    (regenerate: python -m planner.scenario_io.doc_tables)."""
    from planner.scenario_io import doc_tables

    text = doc_tables.DOC.read_text(encoding="utf-8")
    assert doc_tables.rewrite(text) == text
    assert "| `min_weekly_rest_hours` | decimal ≤ 168 | no | none | `35` |" in text
    assert "| `max_hours_in_week` | decimal | no | `48` | `48` or `none` |" in text
    stale = text.replace("| longest work run |", "| longest run |")
    assert doc_tables.rewrite(stale) == text
    with pytest.raises(ValueError, match="markers"):
        doc_tables.rewrite(text.replace(doc_tables.END, ""))


def test_contract_field_without_description_is_named() -> None:
    from pydantic.fields import FieldInfo

    from planner.scenario_io import doc_tables
    from planner.scenario_io.tables import CONTRACTS

    with pytest.raises(ValueError, match=r"Contract\.max_weekends needs a description"):
        doc_tables._row(CONTRACTS.column("max_weekends"), FieldInfo(default=None))
