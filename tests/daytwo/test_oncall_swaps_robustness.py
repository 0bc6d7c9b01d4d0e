"""On-call periods in swaps and N-1 robustness, judged by the checker.

Rotation r1 hands over on Mondays at 08:00; over 21 days from Monday 5 July it has
periods 0 (from 28 June) to 3 (from 19 July). Alice holds 0 and 2, Bob 1 and 3;
Chloé is on-call eligible and free; Dan is not on-call eligible.
"""

from __future__ import annotations

import pytest

from planner.check import check
from planner.domain import Absence
from planner.robustness import robustness
from planner.swaps import DutyRef, SwapError, evaluate_swap
from tests.rules.conftest import call, day, make, oncall_tech, plan, rotation, tech


def _scenario(absences=()):
    return make(days=21, coverage=(), rotations=(rotation("r1", backup=False),),
                technicians=(oncall_tech("A", "Alice"), oncall_tech("B", "Bob"),
                             oncall_tech("C", "Chloé"), tech("D", "Dan")),
                rules={"fairness_weights": {"oncall": 6}}, absences=absences)


def _plan(sc, periods=((0, "A"), (1, "B"), (2, "A"), (3, "B"))):
    return plan([call(sc, who, "r1", i) for i, who in periods])


def _ref(sc, index: int) -> DutyRef:
    p = call(sc, "A", "r1", index)
    return DutyRef("", p.start.date(), "r1", kind="oncall_primary")


@pytest.mark.parametrize("to, rule", [("B", "oncall_min_gap"), ("D", "oncall_eligibility")])
def test_giving_an_oncall_period_away_names_the_broken_rule_and_who(to, rule):
    sc = _scenario()
    r = evaluate_swap(sc, _plan(sc), "A", _ref(sc, 2), to)
    assert not r.ok
    assert {(v.rule, v.technician) for v in r.violations} == {(rule, to)}
    assert {(v.rule, v.technician) for v in check(sc, r.plan).violations} == {(rule, to)}


def test_giving_an_oncall_period_to_an_absent_colleague_is_refused():
    sc = _scenario(absences=(Absence(technician="C", start=day(7), end=day(9)),))
    r = evaluate_swap(sc, _plan(sc), "A", _ref(sc, 2), "C")
    assert [(v.rule, v.technician) for v in r.violations] == [("oncall_eligibility", "C")]
    assert "absent" in r.violations[0].message


def test_oncall_give_away_accepted_with_its_objective_delta():
    sc = _scenario()
    p = _plan(sc)
    r = evaluate_swap(sc, p, "A", _ref(sc, 2), "C")
    assert r.ok and r.violations == ()
    after = check(sc, r.plan)
    assert after.hard_ok
    assert {(o.technician, o.start) for o in r.plan.oncall if o.technician == "C"} == {
        ("C", call(sc, "C", "r1", 2).start)}
    # Alice 2, Bob 2, Chloé 0 -> 1 each and Bob 2: the on-call spread drops from 2 to 1
    assert r.delta == after.objective - check(sc, p).objective == -6
    assert r.penalty_delta == {"fairness": -6}


def test_oncall_exchange_breaks_the_gap_for_both():
    sc = _scenario()
    r = evaluate_swap(sc, _plan(sc), "A", _ref(sc, 2), "B",
                      take=DutyRef("", _ref(sc, 1).date, "r1", kind="oncall_primary"))
    assert {(v.rule, v.technician) for v in r.violations} == {
        ("oncall_min_gap", "A"), ("oncall_min_gap", "B")}


def test_oncall_role_not_held_is_an_error():
    sc = _scenario()
    with pytest.raises(SwapError, match="not on call"):
        evaluate_swap(sc, _plan(sc), "A", _ref(sc, 1), "C")
    with pytest.raises(SwapError, match="unknown duty kind"):
        evaluate_swap(sc, _plan(sc), "A", DutyRef("", day(0), "r1", kind="oncall"), "C")


def test_robustness_finds_a_substitute_for_every_oncall_role():
    sc = _scenario()
    r = robustness(sc, _plan(sc))
    assert [(o.holder, o.substitute) for o in r.oncall] == [("A", "C"), ("B", "C"),
                                                             ("A", "C"), ("B", "C")]
    assert r.oncall_at_risk == ()


def test_robustness_reports_oncall_roles_one_absence_would_leave_unfilled():
    # Chloé away all horizon: Alice and Bob cannot stand in for each other (two periods
    # in a row), Dan may not be on call; period 3 is not even filled
    sc = _scenario(absences=(Absence(technician="C", start=day(0), end=day(20)),))
    r = robustness(sc, _plan(sc, ((0, "A"), (1, "B"), (2, "A"))))
    assert [(o.holder, o.substitute, o.n_minus_1) for o in r.oncall] == [
        ("A", "", False), ("B", "", False), ("A", "", False), ("", "", False)]
    assert len(r.oncall_at_risk) == 4


def test_cli_robustness_reports_oncall_roles(tmp_path):
    import json

    from typer.testing import CliRunner

    from api.cli import app
    from planner.outputs import write_assignments
    from planner.scenario_files import save_scenario

    sc = _scenario(absences=(Absence(technician="C", start=day(0), end=day(20)),))
    save_scenario(sc, tmp_path / "sc")
    (tmp_path / "p").mkdir()
    write_assignments(tmp_path / "p" / "assignments.csv", sc, _plan(sc))
    res = CliRunner().invoke(app, ["robustness", str(tmp_path / "sc"), str(tmp_path / "p"),
                                   "--json", str(tmp_path / "r.json")])
    assert res.exit_code == 0, res.output
    assert "on-call roles covered N-1: 0/4" in res.output
    assert "r1 primary: nobody can replace A" in res.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert [(o["holder"], o["substitute"], o["n_minus_1"]) for o in data["oncall"]] == [
        ("A", "", False), ("B", "", False), ("A", "", False), ("B", "", False)]
