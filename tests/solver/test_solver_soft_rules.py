"""Engine tests: exact penalties of the soft rules, in their own units."""

from __future__ import annotations

import pytest
from solver_cases import NO_WEIGHTS, duty, problem, run

from solver import OnCallPeriod, Person, Request, Rules, Weights

NO_REST = Rules(min_rest_minutes=0, weights=NO_WEIGHTS)


# --- coverage_shortfall / peak_shortfall ---------------------------------------------------
@pytest.mark.parametrize(
    "under, peak_w, base_pen, peak_pen",
    [
        (10, 5, 10, 5),    # peak cheaper: charged first (1 peak + 1 base missing)
        (10, 10, 10, 10),  # equal: peak first by the rule text
        (10, 20, 20, 0),   # base cheaper: both missing charged to the base demand
    ],
)
def test_two_tier_shortfall_split(under, peak_w, base_pen, peak_pen):
    # required 2 + peak 1, only one person: 2 missing
    d = duty(0, required=2, under=under, peak=1, peak_weight=peak_w)
    r = run(problem(["p"], [d]))
    assert r.penalties["coverage_shortfall"] == base_pen
    assert r.penalties["peak_shortfall"] == peak_pen
    assert r.objective == base_pen + peak_pen
    (gap,) = r.gaps
    assert (gap.duty, gap.required, gap.assigned, gap.shortfall) == (d.id, 3, 1, 2)


def test_peak_only_shortfall():
    d = duty(0, required=0, peak=2, peak_weight=7)
    r = run(problem(["p"], [d]))
    assert r.penalties == {**r.penalties, "coverage_shortfall": 0, "peak_shortfall": 7}


def test_over_coverage_exact():
    d = duty(0, required=1, over=3)
    r = run(problem(["a", "b", "c"], [d], fixed=(("a", d.id), ("b", d.id), ("c", d.id))))
    assert r.penalties["over_coverage"] == 6
    assert r.objective == 6


def test_over_coverage_avoided_when_free():
    d = duty(0, required=1, over=1)
    r = run(problem(["a", "b", "c"], [d]))
    assert len(r.assignments) == 1 and r.objective == 0


# --- fairness ------------------------------------------------------------------------------
NIGHT = frozenset({"night"})


def fair_rules(w: int = 4) -> Rules:
    return Rules(min_rest_minutes=0, weights=Weights(fairness={"night": w}, continuity=0, backup_use=0))


def test_fairness_spread_of_odd_nights():
    # 3 nights, 2 eligible people of one group: best split 2/1 -> spread 1 (a doubled
    # night would even the counts, so over-coverage is made dearer than the spread)
    nights = [duty(d, "N", tags=NIGHT, over=10) for d in (0, 2, 4)]
    r = run(problem(["a", "b"], nights, rules=fair_rules(4)))
    assert r.penalties["fairness"] == 4
    (fig,) = r.fairness
    assert (fig.tag, fig.spread) == ("night", 1)
    assert sorted(fig.counts.values()) == [1, 2]


def test_fairness_ignores_people_not_eligible_for_tagged_duties():
    # c is in the group but may not work nights; counting c would give spread 1
    nights = [duty(0, "N", tags=NIGHT), duty(2, "N", tags=NIGHT)]
    day = duty(1, "D")
    p = problem(["a", "b", "c"], nights + [day], rules=fair_rules(5),
                eligible={n.id: ("a", "b") for n in nights})
    r = run(p)
    assert r.penalties["fairness"] == 0
    assert set(r.fairness[0].counts) == {"a", "b"}


def test_fairness_is_per_group():
    # a alone in group x, b alone in group y: no group has two people -> no penalty
    nights = [duty(0, "N", tags=NIGHT), duty(2, "N", tags=NIGHT)]
    people = [Person(id="a", fairness_group="x"), Person(id="b", fairness_group="y")]
    r = run(problem(people, nights, rules=fair_rules(5), eligible={n.id: ("a",) for n in nights}
                    | {nights[1].id: ("a", "b")}))
    assert r.penalties["fairness"] == 0 and r.fairness == ()


def test_fairness_trades_against_coverage():
    # a must do both nights (b only eligible for one, fixed elsewhere): spread 2 - 0 forced
    n0, n2 = duty(0, "N", tags=NIGHT), duty(2, "N", tags=NIGHT)
    d2 = duty(2, "D", group="other")
    p = problem(["a", "b"], [n0, n2, d2], rules=fair_rules(3),
                eligible={n0.id: ("a",), n2.id: ("a", "b"), d2.id: ("b",)},
                fixed=(("b", d2.id),))
    r = run(p)
    assert r.penalties["fairness"] == 3 * 2
    assert r.penalties["coverage_shortfall"] == 0


def test_fairness_counts_oncall_periods():
    q = [OnCallPeriod(id=f"r#{k}", rotation="r", index=k, start=k * 10080, end=(k + 1) * 10080,
                      first_day=7 * k, last_day=7 * k + 6, needs_backup=False, unfilled_weight=100)
         for k in range(3)]
    rules = Rules(oncall_min_gap=0, weights=Weights(fairness={"oncall": 6}, continuity=0, backup_use=0))
    r = run(problem(["a", "b"], [], num_days=21, oncall_periods=tuple(q),
                    oncall_eligible={x.id: ("a", "b") for x in q}, rules=rules))
    assert r.penalties["oncall_unfilled"] == 0
    assert r.penalties["fairness"] == 6  # 3 periods over 2 people: 2/1


# --- requests ------------------------------------------------------------------------------
def test_work_request_met_when_possible():
    d = duty(0, "E", required=0)
    r = run(problem(["p"], [d], requests=(Request("p", 0, "E", True, 4),)))
    assert r.assignments == (("p", d.id),) and r.penalties["requests"] == 0


def test_work_request_impossible_costs_its_weight():
    d = duty(0, "E", required=0)
    r = run(problem(["p"], [d], requests=(Request("p", 0, "N", True, 4),)))
    assert r.penalties["requests"] == 4 and r.assignments == ()


def test_off_request_broken_when_coverage_is_dearer():
    d = duty(0, "D", required=1, under=10)
    r = run(problem(["p"], [d], requests=(Request("p", 0, None, False, 3),)))
    assert r.assignments == (("p", d.id),)
    assert r.penalties == {**r.penalties, "requests": 3, "coverage_shortfall": 0}
    assert r.objective == 3


def test_off_request_kept_when_coverage_is_cheaper():
    d = duty(0, "D", required=1, under=2)
    r = run(problem(["p"], [d], requests=(Request("p", 0, "D", False, 3),)))
    assert r.assignments == () and r.objective == 2


def test_off_request_for_another_shift_type_is_not_broken():
    d = duty(0, "D")
    r = run(problem(["p"], [d], requests=(Request("p", 0, "N", False, 3),)))
    assert r.assignments == (("p", d.id),) and r.penalties["requests"] == 0


# --- continuity ------------------------------------------------------------------------------
def cont_rules(w: int) -> Rules:
    return Rules(min_rest_minutes=0, weights=Weights(fairness={}, continuity=w, backup_use=0))


@pytest.mark.parametrize("second, pen", [("acme", 0), ("globex", 5)])
def test_continuity_penalty(second, pen):
    a, b = duty(0, "D", "acme"), duty(1, "D", second)
    r = run(problem(["p"], [a, b], rules=cont_rules(5), fixed=(("p", a.id), ("p", b.id))))
    assert r.penalties["continuity"] == pen


def test_continuity_steers_the_choice():
    # day 0: p on acme (fixed); day 1: acme and globex each want one of p, q
    a0 = duty(0, "D", "acme")
    a1, g1 = duty(1, "D", "acme"), duty(1, "D", "globex")
    p = problem(["p", "q"], [a0, a1, g1], rules=cont_rules(2), fixed=(("p", a0.id),),
                eligible={a0.id: ("p",)})
    r = run(p)
    assert ("p", a1.id) in r.assignments and ("q", g1.id) in r.assignments
    assert r.penalties["continuity"] == 0


def test_continuity_only_between_consecutive_days():
    a, b = duty(0, "D", "acme"), duty(2, "D", "globex")
    r = run(problem(["p"], [a, b], rules=cont_rules(5), fixed=(("p", a.id), ("p", b.id))))
    assert r.penalties["continuity"] == 0


# --- backup_use ------------------------------------------------------------------------------
def backup_rules(w: int) -> Rules:
    return Rules(min_rest_minutes=0, weights=Weights(fairness={}, continuity=0, backup_use=w))


def test_backup_use_exact():
    b = Person(id="b", is_backup=True)
    duties = [duty(0), duty(1)]
    r = run(problem([b], duties, rules=backup_rules(2)))
    assert r.penalties["backup_use"] == 4 and r.objective == 4


def test_regular_person_preferred_over_backup():
    people = [Person(id="b", is_backup=True), Person(id="r")]
    r = run(problem(people, [duty(0)], rules=backup_rules(2)))
    assert r.assignments == (("r", "0/D/acme"),) and r.objective == 0
