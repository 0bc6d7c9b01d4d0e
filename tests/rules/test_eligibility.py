"""Rule `eligibility`: trained, skilled, shift allowed, not absent, not a public holiday."""

from __future__ import annotations

import datetime as dt

import pytest
from .conftest import T, asg, assert_broken, day, every_day, make, plan, solve_and_check, tech

from planner.domain import Absence, Contract, CoverageRule

SKILLED = every_day("D", skill="linux") + every_day("D", client="beta", skill="oracle")
BASTILLE = dt.date(2027, 7, 14)  # French national day, day 9


def _holiday(works: bool):
    sc = make(days=14, technicians=(tech("A", country="FR"),),
              contract=dict(works_public_holidays=works), coverage=every_day("D"))
    return sc, plan(asg(sc, "A", BASTILLE, "D"))


def _absent(end_time: dt.time | None, shift: str = "D"):
    ab = Absence(technician="A", start=day(0), end=day(0) if end_time else day(1),
                 start_time=T(0) if end_time else None, end_time=end_time)
    sc = make(absences=(ab,))
    return sc, plan(asg(sc, "A", 0 if end_time else 2, shift))


CASES = {
    "trained and skilled": (lambda: (sc := make(coverage=SKILLED),
                                     plan(asg(sc, "A", 0, "D", skill="linux"))), {}),
    "not trained on the client": (lambda: (sc := make(coverage=SKILLED),
                                           plan(asg(sc, "A", 0, "D", "beta", "oracle"))),
                                  {"eligibility": 1}),
    "lacks the skill": (lambda: (sc := make(technicians=(tech("A", clients=frozenset({"acme", "beta"})),),
                                            coverage=SKILLED),
                                 plan(asg(sc, "A", 0, "D", "beta", "oracle"))),
                        {"eligibility": 1}),
    "empty skill needs none": (lambda: (sc := make(technicians=(tech("A", skills=frozenset()),)),
                                        plan(asg(sc, "A", 0, "D"))), {}),
    "contract forbids the shift type": (lambda: (sc := make(contract=dict(shift_limits={"N": 0})),
                                                 plan(asg(sc, "A", 0, "N"))),
                                        {"eligibility": 1, "shift_type_limits": 1}),
    # a whole-day absence on day 0..1 covers up to day 2 00:00
    "day after a whole-day absence": (lambda: _absent(None), {}),
    "last day of a whole-day absence": (lambda: (sc := make(absences=(Absence(technician="A", start=day(0), end=day(1)),)),
                                                 plan(asg(sc, "A", 1, "D"))),
                                        {"eligibility": 1}),
    # part-day absence 00:00-14:00: L starts at 14:00 (touching is allowed), 13:59 overlaps
    "part-day absence ends at the shift start": (lambda: _absent(T(14), "L"), {}),
    "part-day absence ends a minute after the start": (lambda: _absent(T(14, 1), "L"),
                                                       {"eligibility": 1}),
    "own public holiday": (lambda: _holiday(False), {"eligibility": 1}),
    "own public holiday, contract works them": (lambda: _holiday(True), {}),
    "no such duty": (lambda: (sc := make(coverage=every_day("D")), plan(asg(sc, "A", 0, "L"))),
                     {"eligibility": 1}),
    "unknown technician": (lambda: (sc := make(), plan(asg(sc, "Z", 0, "D"))), {"eligibility": 1}),
    "wrong times": (lambda: (sc := make(),
                             plan(asg(sc, "A", 0, "D").model_copy(update={"start": asg(sc, "A", 0, "E").start}))),
                    {"eligibility": 1}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    build, expected = CASES[case]
    sc, p = build()
    assert_broken(sc, p, expected)


def test_message_names_reason():
    sc = make(coverage=SKILLED)
    report = assert_broken(sc, plan(asg(sc, "A", 0, "D", "beta", "oracle")), {"eligibility": 1})
    assert report.violations[0].message == "Alice may not work D for beta (oracle) on 2027-07-05: not trained on client beta"


def test_solver_uses_only_skilled_people():
    """Only Bob holds oracle: he gets every oracle duty, Alice none."""
    sc = make(days=3, technicians=(tech("A"), tech("B", skills=frozenset({"oracle"}))),
              coverage=every_day("D", skill="oracle"))
    _, report, p = solve_and_check(sc)
    assert {a.technician for a in p.assignments} == {"B"}
    assert report.penalties["coverage_shortfall"] == 0


def test_solver_leaves_gap_when_only_candidate_absent():
    """Alice, alone trained, is absent on day 1: exactly one missing person (tier 2 = 50)."""
    sc = make(days=3, technicians=(tech("A"),), coverage=every_day("D"),
              absences=(Absence(technician="A", start=day(1), end=day(1)),),
              fixed=tuple(asg(make(), "A", i, "D") for i in (0, 2)))
    _, report, p = solve_and_check(sc)
    assert report.penalties["coverage_shortfall"] == 50
    assert sorted(a.date for a in p.assignments) == [day(0), day(2)]


def test_solver_no_duty_on_own_public_holiday():
    """Alice (FR) may not work 14 July; Bob (BE) covers it."""
    sc = make(days=14, technicians=(tech("A", country="FR"), tech("B", country="BE")),
              coverage=(CoverageRule(client="acme", shift="D", required=1, date=BASTILLE),))
    _, report, p = solve_and_check(sc)
    assert [a.technician for a in p.assignments] == ["B"]
    assert report.penalties["coverage_shortfall"] == 0


def test_contract_forbidding_shift_is_respected_by_solver():
    sc = make(days=2, technicians=(tech("A"),), coverage=every_day("N"),
              contracts=(Contract(id="std", max_consecutive_days=None, max_hours_in_week=None,
                                  shift_limits={"N": 0}),))
    _, report, p = solve_and_check(sc)
    assert p.assignments == ()
    assert report.penalties["coverage_shortfall"] == 100


def _odd(sc, **update):
    return asg(sc, "A", 0, "D").model_copy(update=update)


ODD = {
    "date before the horizon": lambda sc: _odd(sc, date=day(-1)),
    "date after the horizon": lambda sc: asg(sc, "A", 7, "D"),
    "unknown client": lambda sc: _odd(sc, client="nowhere"),
    "unknown shift type": lambda sc: _odd(sc, shift="ZZ"),
    "naive times": lambda sc: _odd(sc, start=asg(sc, "A", 0, "D").start.replace(tzinfo=None),
                                   end=asg(sc, "A", 0, "D").end.replace(tzinfo=None)),
}


@pytest.mark.parametrize("case", ODD)
def test_checker_any_plan(case):
    """Plans read from files may hold anything: each oddity is one eligibility violation."""
    sc = make()
    report = assert_broken(sc, plan(ODD[case](sc)), {"eligibility": 1})
    assert report.violations[0].technician == "A"


def test_checker_same_instant_other_offset():
    """Times are compared as instants: 07:00 UTC is 09:00 in Brussels in July."""
    sc = make()
    a = asg(sc, "A", 0, "D")
    utc = a.model_copy(update={"start": a.start.astimezone(dt.timezone.utc),
                               "end": a.end.astimezone(dt.timezone.utc)})
    assert_broken(sc, plan(utc), {})
