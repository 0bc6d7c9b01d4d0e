"""Engine tests: one_shift_per_day, no_overlap, min_rest (edge and one step past)."""

from __future__ import annotations

import pytest
from solver_cases import NO_WEIGHTS, at, duty, problem, run

from solver import Person, Rules


def test_one_shift_per_day_leaves_second_duty_uncovered():
    d1, d2 = duty(0, "E", "a"), duty(0, "L", "b")
    r = run(problem(["p"], [d1, d2]))
    assert r.status == "optimal"
    assert len(r.assignments) == 1
    assert r.penalties["coverage_shortfall"] == 10


def test_one_shift_per_day_fixing_two_same_day_duties_is_infeasible():
    d1, d2 = duty(0, "E", "a"), duty(0, "L", "b")
    r = run(problem(["p"], [d1, d2], fixed=(("p", d1.id), ("p", d2.id))))
    assert r.status == "infeasible"


def test_duties_on_two_days_can_both_be_held():
    d1, d2 = duty(0, "D"), duty(1, "D")
    r = run(problem(["p"], [d1, d2]))
    assert sorted(r.assignments) == [("p", d1.id), ("p", d2.id)]
    assert r.objective == 0


NO_REST = Rules(min_rest_minutes=0, weights=NO_WEIGHTS)


@pytest.mark.parametrize(
    "next_start, ok",
    [("06:00", True), ("05:59", False), ("05:00", False)],
)
def test_no_overlap_across_days(next_start, ok):
    # night of day 0 ends at 06:00 on day 1; with rest off only a true overlap is forbidden
    night = duty(0, "N")
    early = duty(1, "E", start=next_start)
    p = problem(["p"], [night, early], rules=NO_REST, fixed=(("p", night.id), ("p", early.id)))
    assert (run(p).status == "optimal") is ok


def test_no_overlap_of_a_long_duty_with_two_days_later():
    # a 50-hour duty from day 0 08:00 overlaps a day-2 duty starting at 09:00
    long = duty(0, "X", start="08:00", length=50 * 60)
    later = duty(2, "D")
    p = problem(["p"], [long, later], rules=NO_REST, fixed=(("p", long.id), ("p", later.id)))
    assert run(p).status == "infeasible"


@pytest.mark.parametrize(
    "next_start, ok",
    [("09:00", True), ("08:59", False)],  # late ends 22:00: 11 h 00 allowed, 10 h 59 not
)
def test_min_rest_edge(next_start, ok):
    late = duty(0, "L")
    nxt = duty(1, "D", start=next_start)
    p = problem(["p"], [late, nxt], fixed=(("p", late.id), ("p", nxt.id)))
    assert (run(p).status == "optimal") is ok


SHIFT_GAPS = {  # (type on day 0, type on day 1) -> rest minutes between them
    (a, b): at(1, {"E": "06:00", "L": "14:00", "N": "22:00"}[b])
    - (at(0, {"E": "06:00", "L": "14:00", "N": "22:00"}[a]) + 480)
    for a in "ELN"
    for b in "ELN"
}


@pytest.mark.parametrize("pair", sorted(SHIFT_GAPS))
def test_min_rest_matches_pairwise_gaps(pair):
    # the biclique encoding must forbid exactly the pairs with less than 11 h rest
    a, b = pair
    duties = [duty(0, t) for t in "ELN"] + [duty(1, t) for t in "ELN"]
    p = problem(["p"], duties, fixed=(("p", f"0/{a}/acme"), ("p", f"1/{b}/acme")))
    assert (run(p).status == "optimal") is (SHIFT_GAPS[pair] >= 660)


def test_min_rest_forces_the_other_person():
    # p is fixed on a late shift; the next early (8 h later) must go to q
    late, early = duty(0, "L"), duty(1, "E")
    r = run(problem(["p", "q"], [late, early], fixed=(("p", late.id),),
                    eligible={late.id: ("p", "q")}))
    assert ("q", early.id) in r.assignments
    assert ("p", early.id) not in r.assignments
    assert r.objective == 0


@pytest.mark.parametrize("start, ok", [("10:00", True), ("09:59", False)])
def test_min_rest_counts_history_last_end(start, ok):
    person = Person(id="p", history_last_end=at(-1, "23:00"))
    d = duty(0, "D", start=start)
    p = problem([person], [d], fixed=(("p", d.id),))
    assert (run(p).status == "optimal") is ok


def test_min_rest_zero_switches_rule_off():
    late, early = duty(0, "L"), duty(1, "E")
    p = problem(["p"], [late, early], rules=NO_REST, fixed=(("p", late.id), ("p", early.id)))
    assert run(p).status == "optimal"
