"""The pure data shaping of the pages: grid, KPIs, diff, colours, dates, explanations."""

from __future__ import annotations

import datetime as dt

from dashboard import explain, grid, style
from tests.dashboard.fake import ASSIGNMENTS, COVERAGE, ENTITIES, ONCALL, START, TECHS


def days():
    return grid.horizon_days(START, 7)


def test_grid_cells_hold_shift_client_oncall_absence_and_holiday():
    absent = grid.absent_days(ENTITIES["absences"], days())
    hol = grid.public_holidays(["FR", "BE"], days())
    assert dt.date(2027, 7, 14) not in hol["FR"]  # outside this week
    hol["FR"] = {START + dt.timedelta(days=3)}
    text, kind = grid.roster_grid(TECHS, days(), ASSIGNMENTS[1], ONCALL, absent, hol)
    assert text.shape == (3, 7)
    assert text.iloc[0, 0] == "day LOG ☎P" and kind.iloc[0, 0] == "day"
    assert text.iloc[2, 1] == "absent ☎B" and kind.iloc[2, 1] == "absent"
    assert text.iloc[0, 3] == "férié ☎P" and kind.iloc[0, 3] == "holiday"
    assert list(text.columns[:2]) == ["lu 05/07", "ma 06/07"]


def test_filters_combine():
    assert [t["id"] for t in grid.filter_technicians(TECHS, ["LOG"], ["linux"], [], ["Lille"], [])] == ["T1", "T3"]
    assert [t["id"] for t in grid.filter_technicians(TECHS, [], [], [], [], ["PT"])] == ["T3"]


def test_coverage_kpis():
    pct, per = grid.coverage_kpis(COVERAGE)
    assert pct == 50.0
    assert per.set_index("client")["shortfall"]["LOG"] == 2


def test_requests_granted_counts_work_and_no_work():
    reqs = ENTITIES["requests"] + [{"technician": "T2", "date": "2027-07-05", "shift": "", "work": False,
                                    "status": "approved"},
                                   {"technician": "T2", "date": "2027-07-06", "shift": "", "work": False,
                                    "status": "pending"}]
    assert grid.requests_granted(reqs, ASSIGNMENTS[1], days()) == (2, 2)


def test_plan_diff_names_gains_and_losses():
    diff = grid.plan_diff(ASSIGNMENTS[1], [], ASSIGNMENTS[2], [], {"T2": "Wout"})
    rows = {(r.id, r.change, r.duty) for r in diff.itertuples()}
    assert ("T2", "gains", "day @ BNK") in rows
    assert ("T3", "loses", "day @ LOG") in rows
    assert ("T1", "loses", "night @ LOG") in rows
    assert len(rows) == 3


def test_shift_colours_follow_start_hours_and_nights():
    colours = style.shift_colours([{"id": "a", "start": "06:00", "end": "14:00"},
                                   {"id": "b", "start": "08:00", "end": "16:00"},
                                   {"id": "n", "start": "22:00", "end": "06:00"},
                                   {"id": "late", "start": "14:00", "end": "22:00"}])
    assert colours["n"] == style.NIGHT
    assert len({colours[k] for k in "abn"} | {colours["late"]}) == 4


def test_french_dates():
    assert style.long_date(dt.date(2027, 7, 14)) == "mercredi 14 juillet 2027"
    assert style.day_label(dt.date(2027, 7, 5)) == "lu 05/07"


GAP = {"client": "LOG", "date": "2027-07-06", "shift": "day", "skill": "linux",
       "candidates": [
           {"technician": "T3", "name": "Ana", "reason": "absent", "detail": "absence 06/07"},
           {"technician": "T1", "name": "Bo", "reason": "rest", "detail": "rest after night: 8 h < 11 h"},
           {"technician": "T5", "name": "Cy", "reason": "available", "detail": ""},
           {"technician": "T4", "name": "Di", "reason": "not_skilled", "detail": "no linux"}],
       "fixes": [{"kind": "contractor", "technician": "EXTERNAL", "description": "hire", "cost": 100},
                 {"kind": "relax_rule", "technician": "T1", "description": "waive rest", "cost": 12}]}


def test_explanation_rows_available_first_with_readable_reasons():
    rows = explain.candidate_rows(GAP)
    assert [r["technician"] for r in rows] == ["T5", "T3", "T4", "T1"]
    assert rows[0]["reason"].startswith("available")
    assert {r["technician"]: r["reason"] for r in rows}["T4"] == "not skilled"
    assert {r["technician"]: r["detail"] for r in rows}["T1"].startswith("rest after night")
    assert explain.candidate_rows(None) == []


def test_fixes_cheapest_first():
    assert [f["cost"] for f in explain.fix_rows(GAP)] == [12, 100]
    assert explain.fix_rows(GAP)[0]["fix"] == "relax rule"


def test_sorting_puts_missing_values_last_in_either_direction():
    techs = [{"id": "T1", "name": "b", "site": ""}, {"id": "T2", "name": "a", "site": "Namur"},
             {"id": "T3", "name": "c", "site": "Arlon"}, {"id": "T4", "name": "A", "site": "Namur"}]
    ids = lambda ts: [t["id"] for t in ts]  # noqa: E731
    assert ids(grid.sort_technicians(techs, "technician")) == ["T2", "T4", "T1", "T3"]
    assert ids(grid.sort_technicians(techs, "site")) == ["T3", "T2", "T4", "T1"]
    assert ids(grid.sort_technicians(techs, "site", descending=True)) == ["T2", "T4", "T3", "T1"]
    assert ids(grid.sort_technicians(techs, "technician", descending=True)) == ["T3", "T1", "T4", "T2"]
