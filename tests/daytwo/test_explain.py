"""`rota explain`: a gap caused by rest, one by an absence, one by missing training,
each explained as such (the reason comes from the checker), with its smallest fix."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from planner.domain import Absence, CoverageRule
from planner.explain import explain_gaps
from planner.outputs import write_assignments
from planner.scenario_files import save_scenario
from tests.rules.conftest import asg, day, make, plan, tech


def _dated(shift: str, i: int, client: str = "acme") -> CoverageRule:
    return CoverageRule(client=client, shift=shift, required=1, date=day(i))


def _only(gaps):
    assert len(gaps) == 1
    return gaps[0]


def test_gap_caused_by_rest_after_a_night():
    sc = make(days=2, technicians=(tech("A", "Alice"),), coverage=(_dated("N", 0), _dated("E", 1)))
    g = _only(explain_gaps(sc, plan(asg(sc, "A", 0, "N"))))
    assert (g.date, g.shift, g.shortfall) == (day(1), "E", 1)
    [c] = g.candidates
    assert (c.technician, c.reason) == ("A", "rest")
    assert "0 h of rest between N on 2027-07-05 and E on 2027-07-06" in c.detail
    kinds = [(f.kind, f.technician, f.rule) for f in g.fixes]
    assert ("relax_rule", "A", "min_rest") in kinds
    relax = next(f for f in g.fixes if f.kind == "relax_rule")
    contractor = next(f for f in g.fixes if f.kind == "contractor")
    assert relax.cost == -50 and contractor.cost == -50 + 100  # tier 2 gap, contractor 100


def test_gap_caused_by_an_absence():
    sc = make(days=2, technicians=(tech("A", "Alice"),), coverage=(_dated("D", 1),),
              absences=(Absence(technician="A", start=day(1), end=day(1)),))
    g = _only(explain_gaps(sc, plan()))
    [c] = g.candidates
    assert (c.technician, c.reason, c.detail) == ("A", "absent", "Alice is absent")
    assert [f.kind for f in g.fixes] == ["contractor"]


def test_gap_caused_by_missing_training():
    sc = make(days=2, technicians=(tech("A", "Alice"), tech("B", "Bruno",
                                                            clients=frozenset({"beta"}))),
              coverage=(_dated("D", 0), _dated("D", 1)),
              absences=(Absence(technician="A", start=day(1), end=day(1)),))
    g = _only(explain_gaps(sc, plan(asg(sc, "A", 0, "D"))))
    reasons = {c.technician: c.reason for c in g.candidates}
    assert reasons == {"A": "absent", "B": "not_trained"}
    best = g.fixes[0]
    assert (best.kind, best.technician, best.description) == ("train", "B", "train Bruno on acme")
    assert best.cost == -50


def test_free_technician_is_reported_available():
    sc = make(days=1, technicians=(tech("A", "Alice"), tech("B")), coverage=(_dated("D", 0),))
    g = _only(explain_gaps(sc, plan()))
    assert {c.reason for c in g.candidates} == {"available"}
    assert g.fixes[0].kind == "assign" and g.fixes[0].cost == -50


def test_cli_explain_json(tmp_path):
    sc = make(days=2, technicians=(tech("A", "Alice"),), coverage=(_dated("N", 0), _dated("E", 1)))
    save_scenario(sc, tmp_path / "sc")
    (tmp_path / "p").mkdir()
    write_assignments(tmp_path / "p" / "assignments.csv", sc, plan(asg(sc, "A", 0, "N")))
    res = CliRunner().invoke(app, ["explain", str(tmp_path / "sc"), str(tmp_path / "p"),
                                   "--json", str(tmp_path / "x.json")])
    assert res.exit_code == 0, res.output
    assert "rest" in res.output
    data = json.loads((tmp_path / "x.json").read_text())
    gap = data["gaps"][0]
    assert set(gap) == {"client", "date", "shift", "skill", "required", "assigned", "shortfall",
                        "candidates", "fixes"}
    assert gap["candidates"][0] == {"technician": "A", "name": "Alice", "reason": "rest",
                                    "detail": gap["candidates"][0]["detail"]}


def test_solver_fix_relaxes_a_contract_rule_and_closes_the_gap():
    from planner.explain import solver_fixes

    # Alice may work 2 days in a row; day 2 needs someone and only she is trained
    sc = make(days=3, technicians=(tech("A", "Alice"),), coverage=tuple(
        _dated("D", i) for i in range(3)), contract=dict(max_consecutive_days=2))
    p = plan(asg(sc, "A", 0, "D"), asg(sc, "A", 1, "D"))
    g = _only(explain_gaps(sc, p))
    assert g.candidates[0].reason == "consecutive_days"
    [fix] = solver_fixes(sc, p, g, seconds=5)
    assert (fix.kind, fix.technician, fix.rule) == ("relax_rule", "A", "max_consecutive_days")
    assert "gap closed" in fix.description and fix.cost < 0
