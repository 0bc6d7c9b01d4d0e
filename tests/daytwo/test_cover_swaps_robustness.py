"""Who can cover, swaps and N-1 robustness: each answer comes from the checker."""

from __future__ import annotations

import pytest

from planner.check import check
from planner.cover import CoverError, who_can_cover
from planner.domain import Absence, CoverageRule
from planner.robustness import robustness
from planner.swaps import DutyRef, SwapError, evaluate_swap
from tests.rules.conftest import asg, day, make, plan, tech, works

from .helpers import BACKUP, published, scenario


def test_cover_ranks_the_free_backup_first_and_leaves_out_who_cannot():
    sc = scenario(days=7)
    p = published(sc, 7)
    # Alice gives up day 2: Bob worked day 1 and 3 (allowed), Karim is a free backup
    options = who_can_cover(sc, p, "acme", day(2), "D", giver="A")
    assert [o.technician for o in options] == ["K", "B"]
    assert options[0].backup and options[0].cost < options[1].cost
    # a near change (within 7 days of now = horizon start): removal 8, backup addition 1
    assert options[0].penalties == {"plan_stability": 8 + 1}


def test_cover_excludes_a_rest_breaker():
    sc = make(days=2, technicians=(tech("A"), tech("B")),
              coverage=(CoverageRule(client="acme", shift="N", required=1, date=day(0)),
                        CoverageRule(client="acme", shift="E", required=1, date=day(1))))
    options = who_can_cover(sc, plan(asg(sc, "A", 0, "N")), "acme", day(1), "E")
    assert [o.technician for o in options] == ["B"]  # A would rest 0 h after the night


def test_cover_names_a_missing_duty():
    sc = scenario(days=7)
    with pytest.raises(CoverError, match="no duty N for client acme"):
        who_can_cover(sc, published(sc, 7), "acme", day(2), "N")


def test_swap_that_breaks_rest_is_refused_with_that_reason():
    sc = make(days=3, technicians=(tech("A", "Alice"), tech("B", "Bob")),
              coverage=(CoverageRule(client="acme", shift="N", required=1, date=day(0)),
                        CoverageRule(client="acme", shift="E", required=1, date=day(1))))
    p = plan(asg(sc, "A", 0, "N"), asg(sc, "B", 1, "E"))
    assert check(sc, p).hard_ok
    # Bob gives his early shift to Alice, who ends her night at 06:00 that morning
    r = evaluate_swap(sc, p, "B", DutyRef("acme", day(1), "E"), "A")
    assert not r.ok
    assert [(v.rule, v.technician) for v in r.violations] == [("min_rest", "A")]
    assert "0 h of rest" in r.violations[0].message


def test_swap_exchange_accepted_with_objective_delta():
    sc = scenario(days=7)
    p = published(sc, 7)
    r = evaluate_swap(sc, p, "A", DutyRef("acme", day(2), "D"), "B", take=DutyRef("acme", day(3), "D"))
    assert r.ok and r.delta == 0
    new = {(a.technician, a.date) for a in r.plan.assignments}
    assert ("B", day(2)) in new and ("A", day(3)) in new and ("A", day(2)) not in new
    assert check(sc, r.plan).hard_ok


def test_swap_of_a_duty_not_held_is_an_error():
    sc = scenario(days=7)
    with pytest.raises(SwapError, match="A does not hold D for acme on 2027-07-06"):
        evaluate_swap(sc, published(sc, 7), "A", DutyRef("acme", day(1), "D"), "B")


def test_robustness_single_point_of_failure_and_training_advice():
    # acme needs a linux person daily; only A has linux; B knows acme without linux,
    # C has linux but is not trained on acme
    sc = make(days=2, technicians=(tech("A", "Alice"), tech("B", "Bob", skills=frozenset()),
                                   tech("C", "Chloé", clients=frozenset({"beta"}))),
              coverage=(CoverageRule(client="acme", shift="D", skill="linux", required=1,
                                     weekdays=frozenset(range(7))),))
    p = plan(works(sc, "A", range(2), skill="linux"))
    r = robustness(sc, p)
    assert [(d.date, d.n_minus_1, d.single_points_of_failure) for d in r.days] == [
        (day(0), False, ("A",)), (day(1), False, ("A",))]
    # training Chloé on acme (she has linux) ranks before teaching Bob linux
    assert [(a.technician, a.client, a.skill, a.removes) for a in r.advice] == [
        ("C", "acme", "", 2), ("B", "acme", "linux", 2)]


def test_robustness_absorbed_by_a_colleague():
    sc = scenario(days=7)
    r = robustness(sc, published(sc, 7))
    assert all(d.n_minus_1 for d in r.days) and r.advice == ()
    # Karim away and Bob on leave on day 2: Alice's day-2 duty has no substitute
    sc2 = scenario(days=7, absences=(Absence(technician="K", start=day(0), end=day(6)),
                                     Absence(technician="B", start=day(2), end=day(2))))
    r2 = robustness(sc2, published(sc, 7))
    weak = [(d.date, d.single_points_of_failure) for d in r2.days if not d.n_minus_1]
    assert (day(2), ("A",)) in weak
