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


def test_local_explanation_reasons():
    gap = {"client": "LOG", "date": START + dt.timedelta(days=1), "shift": "day", "skill": "linux"}
    techs = TECHS + [{"id": "T4", "clients": ["LOG"], "skills": ["windows"]},
                     {"id": "T5", "clients": ["LOG"], "skills": ["linux"]}]
    a = [x for x in ASSIGNMENTS[1] if x.technician != "T1"] + [
        x.model_copy(update={"technician": "T5"}) for x in ASSIGNMENTS[1][:1]]
    a[0] = a[0].model_copy(update={"date": START + dt.timedelta(days=1)})  # T3 works that day
    rows = {r["technician"]: r for r in explain.explain_locally(
        gap, techs, ENTITIES["absences"], ENTITIES["shift-types"], a)}
    assert "T2" not in rows  # not trained on LOG
    assert rows["T3"]["reason"] == "absent"
    assert rows["T4"]["reason"] == "not skilled (linux)"
    assert rows["T1"]["rule"] == "solver trade-off"
    assert rows["T5"]["rule"] == "solver trade-off"


def test_local_explanation_other_duty_and_rest():
    gap = {"client": "LOG", "date": START + dt.timedelta(days=2), "shift": "day", "skill": ""}
    night = ASSIGNMENTS[1][3]  # T1 night on day 1, ends 06:00 on day 2
    other = ASSIGNMENTS[1][0].model_copy(update={"technician": "T3", "date": gap["date"]})
    rows = {r["technician"]: r for r in explain.explain_locally(
        gap, TECHS, [], ENTITIES["shift-types"], [night, other])}
    assert rows["T1"]["rule"] == "min_rest" and rows["T1"]["reason"].startswith("rest after night")
    assert rows["T3"]["rule"] == "one_shift_per_day"


def test_sorting_puts_missing_values_last_in_either_direction():
    techs = [{"id": "T1", "name": "b", "site": ""}, {"id": "T2", "name": "a", "site": "Namur"},
             {"id": "T3", "name": "c", "site": "Arlon"}, {"id": "T4", "name": "A", "site": "Namur"}]
    ids = lambda ts: [t["id"] for t in ts]  # noqa: E731
    assert ids(grid.sort_technicians(techs, "technician")) == ["T2", "T4", "T1", "T3"]
    assert ids(grid.sort_technicians(techs, "site")) == ["T3", "T2", "T4", "T1"]
    assert ids(grid.sort_technicians(techs, "site", descending=True)) == ["T2", "T4", "T3", "T1"]
    assert ids(grid.sort_technicians(techs, "technician", descending=True)) == ["T3", "T1", "T4", "T2"]
