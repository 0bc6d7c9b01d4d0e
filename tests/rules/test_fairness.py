"""Soft rule `fairness`: per tag with weight w > 0 and per contract, among the
people eligible for at least one tagged duty (or on-call period), w x (max - min)."""

from __future__ import annotations

import pytest

from planner.check import check
from planner.domain import Absence, Client, Contract, CoverageRule

from .conftest import (asg, call, day, every_day, make, oncall_tech, plan, rotation, solve_and_check,
                       tech, works)

WEIGHTS = {"night": 4, "weekend": 4, "holiday": 4, "oncall": 6}
STD = Contract(id="std", max_consecutive_days=None, max_hours_in_week=None)
OTHER = Contract(id="other", max_consecutive_days=None, max_hours_in_week=None)


def _sc(technicians=None, rules=None, **kw):
    """Alice and Bob on contract std; extra people and unfilled on-call are dear so
    that the solver cannot even out counts by over-staffing or leaving periods open."""
    kw.setdefault("coverage", every_day("D", "N"))
    rules = dict(fairness_weights=WEIGHTS, over_weight=10, oncall_unfilled_weight=500, **(rules or {}))
    return make(technicians=technicians or (tech("A"), tech("B")), contracts=(STD, OTHER),
                rules=rules, **kw)


def _nights(a: int, b: int):
    return lambda sc: works(sc, "A", range(a), "N") + works(sc, "B", range(b), "N")


# (technicians, plan, penalty)
CASES = {
    "nights 2 and 0": (None, _nights(2, 0), 8),
    "nights 1 and 1": (None, _nights(1, 1), 0),
    "nights 3 and 1": (None, _nights(3, 1), 8),
    "different contracts": ((tech("A"), tech("B", contract="other")), _nights(2, 0), 0),
    "B not trained: alone in the group": ((tech("A"), tech("B", clients=frozenset({"beta"}))),
                                          lambda sc: works(sc, "A", range(2), "N"), 0),
    "three people 2, 1, 0": ((tech("A"), tech("B"), tech("C")),
                             lambda sc: works(sc, "A", range(2), "N") + works(sc, "B", [3], "N"), 8),
    # Saturday and Sunday days for Alice; weekend and (nothing else)
    "weekend 2 and 0": (None, lambda sc: works(sc, "A", [5, 6]), 8),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    techs, build, penalty = CASES[case]
    sc = _sc(techs)
    report = check(sc, plan(build(sc)))
    assert report.hard_ok and report.penalties["fairness"] == penalty


def test_ineligible_all_horizon_is_not_compared():
    """Bob is absent the whole week: not eligible for any night, not compared."""
    sc = _sc(absences=(Absence(technician="B", start=day(0), end=day(6)),))
    assert check(sc, plan(works(sc, "A", range(2), "N"))).penalties["fairness"] == 0


def test_holiday_tag():
    """A French client covering 14 July: that duty is tagged holiday."""
    sc = _sc(days=14, clients=(Client(id="acme", country="FR", covers_public_holidays=True),),
             coverage=every_day("D"))
    report = check(sc, plan(asg(sc, "A", 9, "D")))
    assert report.penalties["fairness"] == 4
    row = next(r for r in report.fairness if r.tag == "holiday")
    assert (row.group, dict(row.counts), row.spread) == ("std", {"A": 1, "B": 0}, 1)


@pytest.mark.parametrize("calls, penalty", [
    ([("A", 0, "primary"), ("A", 1, "primary")], 12),
    ([("A", 0, "primary"), ("B", 1, "backup")], 0),
    ([("A", 0, "primary"), ("B", 0, "backup"), ("A", 1, "backup")], 6),
])
def test_oncall_tag(calls, penalty):
    sc = _sc((oncall_tech("A"), oncall_tech("B")), coverage=(), rotations=(rotation(),),
             rules=dict(oncall_min_gap=0))
    report = check(sc, plan([call(sc, t, "r1", i, r) for t, i, r in calls]))
    assert report.hard_ok and report.penalties["fairness"] == penalty


def test_zero_weight_costs_nothing():
    sc = make(rules=dict(fairness_weights={"night": 0}))
    report = check(sc, plan(works(sc, "A", range(3), "N")))
    assert report.penalties["fairness"] == 0
    assert report.fairness[0].spread == 3


def test_solver_spreads_nights():
    """4 nights, two people: 2 each, no penalty."""
    sc = _sc(days=4, coverage=every_day("N"))
    result, report, p = solve_and_check(sc)
    assert report.penalties["fairness"] == 0
    assert sorted(a.technician for a in p.assignments) == ["A", "A", "B", "B"]


def test_solver_fixed_unfair_nights():
    """Alice fixed on 3 of 4 nights: 3 - 1 = 2 at weight 4 = 8."""
    sc = _sc(days=4, coverage=every_day("N"))
    sc = sc.model_copy(update={"fixed": tuple(works(sc, "A", range(3), "N"))})
    result, report, p = solve_and_check(sc)
    assert report.penalties["fairness"] == 8
    night = next(r for r in report.fairness if r.tag == "night")
    assert dict(night.counts) == {"A": 3, "B": 1}
    solver_night = [f for f in result.fairness if f.tag == "night" and f.group == "std"]
    assert [dict(f.counts) for f in solver_night] == [{"A": 3, "B": 1}]


def test_solver_spreads_oncall():
    sc = _sc((oncall_tech("A"), oncall_tech("B")), coverage=(), days=14,
             rotations=(rotation(backup=False),))
    _, report, p = solve_and_check(sc)
    # 3 periods, gap 1: A-B-A or B-A-B: spread 1 at weight 6
    assert report.penalties["fairness"] == 6


def test_solver_weekends_and_dated_rules():
    """Weekend days wanted, two people: each gets one weekend day or the same count."""
    sc = _sc(coverage=(CoverageRule(client="acme", shift="D", required=1, weekdays=frozenset({5, 6})),))
    _, report, _ = solve_and_check(sc)
    assert report.penalties["fairness"] == 0
