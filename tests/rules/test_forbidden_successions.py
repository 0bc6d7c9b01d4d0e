"""Rule `forbidden_successions`: no type a on day d then type b on day d+1
(the history's shift type of the day before the horizon counts for day -1)."""

from __future__ import annotations

import pytest

from planner.domain import CoverageRule

from .builder_check import builder
from .conftest import asg, assert_broken, day, make, plan, solve_and_check, tech

RULES = dict(min_rest_hours=0, forbidden_successions=frozenset({("L", "E")}))

CASES = {
    "L then E next day": (None, [(0, "L"), (1, "E")], {"forbidden_successions": 1}),
    "L then E two days later": (None, [(0, "L"), (2, "E")], {}),
    "E then L (other direction)": (None, [(0, "E"), (1, "L")], {}),
    "L then L": (None, [(0, "L"), (1, "L")], {}),
    "history L on day -1, E on day 0": ((1, "L"), [(0, "E")], {"forbidden_successions": 1}),
    "history L on day -2, E on day 0": ((2, "L"), [(0, "E")], {}),
    "history E on day -1, E on day 0": ((1, "E"), [(0, "E")], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_checker(case):
    hist, worked, expected = CASES[case]
    sc = make(rules=RULES)
    if hist:
        sc = sc.model_copy(update={"history": (asg(sc, "A", day(-hist[0]), hist[1]),)})
    assert_broken(sc, plan([asg(sc, "A", i, s) for i, s in worked]), expected)


def _dated(*pairs):
    return tuple(CoverageRule(client="acme", shift=s, required=1, date=day(i)) for i, s in pairs)


def test_solver_refuses_succession():
    sc = make(days=2, rules=RULES, technicians=(tech("A"),), coverage=_dated((0, "L"), (1, "E")))
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 1 and report.penalties["coverage_shortfall"] == 50


def test_solver_allows_other_direction():
    sc = make(days=2, rules=RULES, technicians=(tech("A"),), coverage=_dated((0, "E"), (1, "L")))
    sc = sc.model_copy(update={"fixed": (asg(sc, "A", 0, "E"), asg(sc, "A", 1, "L"))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.objective == 0


@pytest.mark.parametrize("back, assigned", [(1, 0), (3, 1)])
def test_solver_history(back, assigned):
    """A late `back` days before the horizon: E on day 0 refused only when back = 1."""
    sc = make(days=1, rules=RULES, technicians=(tech("A"),), coverage=_dated((0, "E")))
    sc = sc.model_copy(update={"history": (asg(sc, "A", day(-back), "L"),)})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == assigned
    assert report.penalties["coverage_shortfall"] == 50 * (1 - assigned)


@pytest.mark.parametrize("case", CASES)
def test_solver_builder_agrees_with_the_checker(case):
    """The builder alone forbids exactly the checker's violations (tests/rules/builder_check.py)."""
    hist, worked, expected = CASES[case]
    sc = make(rules=RULES, technicians=(tech("A"),))
    if hist:
        sc = sc.model_copy(update={"history": (asg(sc, "A", day(-hist[0]), hist[1]),)})
    verdict = builder(sc, "forbidden_successions").given(*(asg(sc, "A", i, s) for i, s in worked))
    verdict.forbids() if expected else verdict.allows()
