"""Rule `fixed_assignments`: every fixed assignment is in the plan."""

from __future__ import annotations

import pytest

from planner.compile import CompileError, compile_scenario
from planner.domain import CoverageRule

from .conftest import asg, assert_broken, day, every_day, make, plan, solve_and_check, solve_status, tech


def test_checker():
    sc = make()
    sc = sc.model_copy(update={"fixed": (asg(sc, "A", 0, "D"), asg(sc, "B", 1, "L"))})
    assert_broken(sc, plan(asg(sc, "A", 0, "D"), asg(sc, "B", 1, "L")), {})
    assert_broken(sc, plan(asg(sc, "A", 0, "D")), {"fixed_assignments": 1})
    assert_broken(sc, plan(asg(sc, "A", 0, "D"), asg(sc, "A", 1, "L")), {"fixed_assignments": 1})
    report = assert_broken(sc, plan(), {"fixed_assignments": 2})
    assert report.violations[1].message == "Bob: fixed L for acme on 2027-07-06 is missing from the plan"


def test_solver_keeps_fixed_over_cheaper_choice():
    """Both may work; Bob is fixed, so Bob it is, and a second person is over-coverage."""
    sc = make(days=1, coverage=every_day("D"), rules=dict(over_weight=3))
    sc = sc.model_copy(update={"fixed": (asg(sc, "B", 0, "D"),)})
    _, report, p = solve_and_check(sc)
    assert [a.technician for a in p.assignments] == ["B"]
    sc = sc.model_copy(update={"fixed": (asg(sc, "A", 0, "D"), asg(sc, "B", 0, "D"))})
    _, report, p = solve_and_check(sc)
    assert len(p.assignments) == 2 and report.penalties["over_coverage"] == 3


def test_fixed_against_a_hard_rule_is_infeasible():
    """Fixing Alice on L then E (8 h of rest) cannot hold: no plan comes back."""
    sc = make(days=2, technicians=(tech("A"),),
              coverage=(CoverageRule(client="acme", shift="L", required=1, date=day(0)),
                        CoverageRule(client="acme", shift="E", required=1, date=day(1))))
    sc = sc.model_copy(update={"fixed": (asg(sc, "A", 0, "L"), asg(sc, "A", 1, "E"))})
    assert solve_status(sc) == "infeasible"


def test_fixed_on_no_duty_is_rejected_by_compile():
    sc = make(coverage=every_day("D"))
    sc = sc.model_copy(update={"fixed": (asg(sc, "A", 0, "L"),)})
    with pytest.raises(CompileError, match="matches no coverage demand"):
        compile_scenario(sc)
