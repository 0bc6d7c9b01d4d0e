"""Rule `weekly_rest`: in each calendar week, `min_weekly_rest_hours` (EU: 35 = 24 + 11)
free of the person's duties, starting in the week (it may run on into the next week and
past the horizon's end; the history's last duty is not rest)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from planner.calendar import UTC
from planner.check import check
from planner.compile import compile_scenario
from planner.domain import CoverageRule, ShiftType
from planner.pipeline import plan_scenario
import solver.roster as roster
from solver.greedy import greedy_plan, invalid_people
from solver.result import SolveOptions

from .builder_check import builder
from .conftest import (SHIFTS, T, asg, assert_broken, day, every_day, make, plan, solve_and_check,
                       tech, works)

# S starts one minute before D: L on Saturday (ends 22:00) then S on Monday is 34 h 59 min
SHIFTS_X = SHIFTS + (ShiftType(id="S", start=T(8, 59), end=T(16, 59)),)


def _sc(hours=35, days=14, **kw):
    return make(shift_types=SHIFTS_X, days=days, contract=dict(min_weekly_rest_hours=hours), **kw)


def _history(sc, shift: str):
    """``sc`` with Alice having worked ``shift`` the day before the horizon (a Sunday)."""
    return sc.model_copy(update={"history": (asg(sc, "A", day(-1), shift),)})


def _sat_then_monday(sc, monday_shift: str) -> list:
    """L Monday to Saturday of week 1, Sunday off, then ``monday_shift`` on Monday of week 2."""
    return works(sc, "A", range(6), "L") + [asg(sc, "A", 7, monday_shift)]


CASES = {
    "L Saturday 22:00 to D Monday 09:00: exactly 35 h": (lambda sc: _sat_then_monday(sc, "D"), {}),
    "L Saturday 22:00 to S Monday 08:59: 34 h 59 min": (lambda sc: _sat_then_monday(sc, "S"),
                                                         {"weekly_rest": 1}),
    "D every day of two weeks: week 1 has 16 h at most": (lambda sc: works(sc, "A", range(14)),
                                                         {"weekly_rest": 1}),
    "the last week: the rest runs past the horizon's end": (lambda sc: works(sc, "A", range(7, 14)), {}),
    "off Monday and Tuesday: the rest starts at the week's midnight": (
        lambda sc: works(sc, "A", range(2, 14)), {}),
    # 64 h off from Saturday 17:00 count for week 1 only (where they start); week 2 has
    # 33 h from its Monday midnight to Tuesday 09:00
    "a rest spanning two weeks counts for the week it starts in": (
        lambda sc: works(sc, "A", [*range(6), *range(8, 15)]), {"weekly_rest": 1}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc = _sc(days=21)
    assert_broken(sc, plan(build(sc)), expected)


@pytest.mark.parametrize("hours, expected", [(None, {}), (0, {}), (16, {}),
                                             (16.01, {"weekly_rest": 1})])
def test_checker_parameter(hours, expected):
    """D every day: 16 h between two days; off (None or 0), 16 h allowed, 16.01 h not."""
    sc = _sc(hours)
    assert_broken(sc, plan(works(sc, "A", range(14))), expected)


def test_checker_history():
    """A night before the horizon ends Monday 06:00: from then to L on Tuesday 14:00 is
    32 h (without it, 38 h from Monday's midnight)."""
    sc = _sc(days=14)
    asgs = works(sc, "A", range(1, 8), "L")
    assert_broken(sc, plan(asgs), {})
    assert_broken(_history(sc, "N"), plan(asgs), {"weekly_rest": 1})
    assert_broken(_history(sc, "L"), plan(asgs), {})  # ends Sunday 22:00, before the week


def test_checker_partial_first_week():
    """A horizon starting on Wednesday: its first week runs Wednesday to Sunday."""
    sc = _sc(days=12, start=day(2))
    assert_broken(sc, plan(works(sc, "A", range(2, 14))), {"weekly_rest": 1})
    assert_broken(sc, plan(works(sc, "A", [*range(2, 6), *range(8, 14)])), {})


def test_message():
    sc = _sc()
    report = check(sc, plan(_sat_then_monday(sc, "S")))
    v = report.violations[0]
    assert v.message == ("Alice: the longest rest starting in the week of 2027-07-05 is "
                         "34 h 59 min (minimum 35 h)")
    assert (v.technician, v.date) == ("A", day(0))


def test_solver_parameter_reaches_the_person_in_whole_minutes():
    """The contract's hours reach Person.params rounded up to whole minutes (a minimum), with
    no code of the rule's own in compile; the weeks run between Alice's local midnights."""
    people = compile_scenario(_sc(35.005, technicians=(tech("A"), tech("B", timezone="UTC")))).problem.people
    assert [p.params for p in people] == [{"min_weekly_rest_minutes": 2101}] * 2
    assert people[0].local_weeks == ((-120, 10080 - 120), (10080 - 120, 20160 - 120))  # CEST
    assert people[1].local_weeks == ((0, 10080), (10080, 20160))
    assert compile_scenario(_sc(None)).problem.people[0].params == {}


def test_checker_gap_explained_with_the_rule_waivable():
    """`rota explain`: a gap that only the weekly rest keeps open names the rule, offers to
    waive it once, and a re-plan may clear the contract field (found from its declaration)."""
    from planner.explain import explain_gaps, fixed_scenario

    sc = _sc(technicians=(tech("A"),), coverage=(
        CoverageRule(client="acme", shift="D", required=1, date=day(6)),))
    sc = sc.model_copy(update={"contracts": (sc.contracts[0].model_copy(
        update={"max_consecutive_days": None, "max_hours_in_week": None}),)})
    # D Monday to Saturday and next Monday: D on Sunday leaves 16 h of rest in week 1
    [gap] = explain_gaps(sc, plan(works(sc, "A", [*range(6), 7])))
    [c] = gap.candidates
    assert (c.reason, c.rules) == ("weekly_rest", ("weekly_rest",))
    relax = next(f for f in gap.fixes if f.kind == "relax_rule")
    assert (relax.technician, relax.rule) == ("A", "weekly_rest")
    relaxed = fixed_scenario(sc, relax, None)
    assert [c.min_weekly_rest_hours for c in relaxed.contracts] == [35, None]


# --- the builder alone (tests/rules/builder_check.py) ----------------------------------


def test_solver_builder_edge():
    sc = _sc(technicians=(tech("A"),))
    rule = builder(sc, "weekly_rest")
    rule.given(*_sat_then_monday(sc, "D")).allows()
    rule.given(*_sat_then_monday(sc, "S")).forbids()
    rule.given(*works(sc, "A", range(14))).forbids()
    rule.given(*works(sc, "A", range(7, 14))).allows()


def test_solver_builder_history_and_off_switch():
    sc = _sc(technicians=(tech("A"),))
    asgs = works(sc, "A", range(1, 8), "L")
    builder(sc, "weekly_rest").given(*asgs).allows()
    builder(_history(sc, "N"), "weekly_rest").given(*asgs).forbids()
    builder(_sc(None, technicians=(tech("A"),)), "weekly_rest").given(
        *works(sc, "A", range(14))).allows()


# --- end to end: the checker is the oracle ----------------------------------------------


def _alone(hours):
    return _sc(hours, technicians=(tech("A"),),
               coverage=(CoverageRule(client="acme", shift="D", required=1,
                                      weekdays=frozenset(range(7))),))


def test_solver_leaves_one_day_for_the_rest():
    """One technician, D wanted every day of two weeks: week 1 needs one day off (a gap of
    50); week 2's rest runs past the horizon. Without the rule, no gap."""
    _, report, p = solve_and_check(_alone(35))
    assert report.penalties["coverage_shortfall"] == 50 and len(p.assignments) == 13
    _, report, p = solve_and_check(_alone(None))
    assert report.objective == 0 and len(p.assignments) == 14


def test_solver_two_days_for_a_longer_rest():
    """41 h do not fit in one day off between two D shifts (40 h): two days in week 1."""
    _, report, p = solve_and_check(_alone(41))
    assert report.penalties["coverage_shortfall"] == 100 and len(p.assignments) == 12


def _longest_rests(sc, assignments, tech_id: str) -> dict[dt.date, float]:
    """Hours of the longest rest starting in each (whole) week, computed here from the plan."""
    zone = ZoneInfo(next(t.timezone for t in sc.technicians if t.id == tech_id))
    spans = sorted((a.start.astimezone(UTC), a.end.astimezone(UTC))
                   for a in assignments if a.technician == tech_id)
    out = {}
    for k in range(0, sc.horizon.days, 7):
        monday = sc.horizon.start + dt.timedelta(days=k)
        begin = dt.datetime.combine(monday, dt.time(0), tzinfo=zone).astimezone(UTC)
        finish = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0),
                                     tzinfo=zone).astimezone(UTC)
        best = 0.0
        for c in [begin] + [e for _, e in spans if begin <= e < finish]:
            if any(s <= c < e for s, e in spans):
                continue
            nxt = min((s for s, _ in spans if s > c), default=None)
            best = max(best, float("inf") if nxt is None else (nxt - c).total_seconds() / 3600)
        out[monday] = best
    return out


def _busy(hours):
    """Four technicians, all four shifts wanted every day of three weeks: without the
    rule everyone works every day."""
    return _sc(hours, days=21, technicians=tuple(tech(x) for x in "ABCD"),
               coverage=every_day("E", "D", "L", "N"))


def test_solver_scenario_with_35h_contracts():
    """A contract with 35 h: the plan gives every technician 35 h of rest starting in each
    week (computed here, and by the checker), where the plan without the rule does not."""
    free = plan_scenario(_busy(None), SolveOptions(time_limit=5, workers=1, seed=0))
    assert any(h < 35 for t in "ABCD" for h in _longest_rests(_busy(35), free.plan.assignments, t).values())
    assert not check(_busy(35), free.plan).hard_ok
    outcome = plan_scenario(_busy(35), SolveOptions(time_limit=5, workers=1, seed=0))
    assert outcome.report.hard_ok, [v.message for v in outcome.report.violations][:3]
    assert outcome.report.objective == outcome.result.objective
    assert len(outcome.plan.assignments) >= 84 - 2 * 8  # at most two days off each in weeks 1-2
    for t in "ABCD":
        rests = _longest_rests(_busy(35), outcome.plan.assignments, t)
        assert all(h >= 35 for h in rests.values()), (t, rests)


def test_solver_warm_start_keeps_the_rule(monkeypatch):
    """The warm start's own test keeps everyone's weekly rest; without it, nobody's."""
    problem = compile_scenario(_busy(35)).problem
    assert invalid_people(problem, greedy_plan(problem)[0]) == []
    monkeypatch.delitem(roster.FITS, "weekly_rest")
    assert invalid_people(problem, greedy_plan(problem)[0]) == ["A", "B", "C", "D"]


def test_checker_parameter_from_contracts_csv(tmp_path):
    """The parameter is a contracts.csv column (declared once, on the domain's Contract)."""
    from planner.scenario_files import load_scenario, save_scenario

    save_scenario(_sc(35.5), tmp_path)
    header, row = (tmp_path / "contracts.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert dict(zip(header.split(","), row.split(",")))["min_weekly_rest_hours"] == "35.5"
    assert load_scenario(tmp_path).contracts[0].min_weekly_rest_hours == 35.5
