"""Engine tests: on-call roles, distinct roles, minimum gap, unfilled penalty."""

from __future__ import annotations

from dataclasses import replace

import pytest
from solver_cases import NO_WEIGHTS, at, problem, run

from solver import OnCallPeriod, Rules


def period(rotation: str, k: int, *, days: int = 7, needs_backup: bool = True,
           weight: int = 100, start_day: int | None = None) -> OnCallPeriod:
    first = k * days if start_day is None else start_day
    return OnCallPeriod(
        id=f"{rotation}#{k}", rotation=rotation, index=k, start=at(first, "08:00"),
        end=at(first + days, "08:00"), first_day=first, last_day=first + days,
        needs_backup=needs_backup, unfilled_weight=weight,
    )


def oncall_problem(people, periods, eligible=None, gap=1):
    return problem(
        people, [], num_days=max(q.last_day for q in periods) + 1,
        oncall_periods=tuple(periods),
        oncall_eligible=eligible or {q.id: tuple(people) for q in periods},
        rules=Rules(oncall_min_gap=gap, weights=NO_WEIGHTS),
    )


def test_one_primary_and_one_backup_per_period():
    r = run(oncall_problem(["a", "b", "c"], [period("r", 0)]))
    roles = sorted(role for _, _, role in r.oncall)
    assert roles == ["backup", "primary"]
    assert r.objective == 0 and r.unfilled_oncall == ()


def test_no_backup_when_rotation_has_none():
    r = run(oncall_problem(["a", "b"], [period("r", 0, needs_backup=False)]))
    assert [role for _, _, role in r.oncall] == ["primary"]
    assert r.penalties["oncall_unfilled"] == 0


def test_one_person_cannot_be_primary_and_backup():
    r = run(oncall_problem(["a"], [period("r", 0, weight=100)]))
    assert len(r.oncall) == 1
    assert r.penalties["oncall_unfilled"] == 100
    assert len(r.unfilled_oncall) == 1


@pytest.mark.parametrize("offset_minutes, both", [(0, True), (-1, False)])
def test_overlapping_periods_of_two_rotations(offset_minutes, both):
    # rotation s starts when r ends (touching: allowed) or one minute earlier (overlap)
    r0 = period("r", 0, needs_backup=False)
    s0 = OnCallPeriod(id="s#0", rotation="s", index=0, start=r0.end + offset_minutes,
                      end=r0.end + 7 * 1440, first_day=7, last_day=14, needs_backup=False,
                      unfilled_weight=100)
    res = run(oncall_problem(["a"], [r0, s0]))
    assert (len(res.oncall) == 2) is both
    assert res.penalties["oncall_unfilled"] == (0 if both else 100)


@pytest.mark.parametrize("gap, held", [(0, 4), (1, 2), (2, 2), (3, 1)])
def test_oncall_min_gap(gap, held):
    periods = [period("r", k, needs_backup=False) for k in range(4)]
    r = run(oncall_problem(["a"], periods, gap=gap))
    idx = sorted(int(qid.split("#")[1]) for _, qid, _ in r.oncall)
    assert len(idx) == held
    assert all(b - a > gap for a, b in zip(idx, idx[1:]))
    assert r.penalties["oncall_unfilled"] == 100 * (4 - held)


def test_min_gap_counts_both_roles():
    # a and b alone on two consecutive periods with backup: each may hold one period
    periods = [period("r", 0), period("r", 1)]
    r = run(oncall_problem(["a", "b"], periods, gap=1))
    per_person = {}
    for pid, qid, _ in r.oncall:
        per_person.setdefault(pid, set()).add(qid)
    assert all(len(v) == 1 for v in per_person.values())
    assert r.penalties["oncall_unfilled"] == 200


def test_period_nobody_may_take_costs_both_roles():
    q = period("r", 0, weight=70)
    r = run(oncall_problem(["a"], [q], eligible={q.id: ()}))
    assert r.status == "optimal"
    assert r.penalties["oncall_unfilled"] == 140
    assert set(r.unfilled_oncall) == {(q.id, "primary"), (q.id, "backup")}


def test_the_warm_start_refills_a_role_the_rotation_left_empty():
    # r#1 only a may take; the rotation gives r#0 to a (fewest periods, then by id), and the
    # gap then leaves r#1 empty. The exact on-call step gives r#0 to b instead.
    from solver.greedy import greedy_plan
    from solver.oncall_plan import best_oncall
    from solver_cases import OPTS

    q0, q1 = period("r", 0, needs_backup=False), period("r", 1, needs_backup=False)
    p = oncall_problem(["a", "b"], [q0, q1], eligible={q0.id: ("a", "b"), q1.id: ("a",)})
    assignments, rotation = greedy_plan(p)
    assert rotation == (("a", q0.id, "primary"),)  # the constructive pass misses r#1
    best = best_oncall(p, assignments, rotation, OPTS, 5.0)
    assert sorted(best) == [("a", q1.id, "primary"), ("b", q0.id, "primary")]
    # the search starts from it: the first plan reported already has both roles
    r = run(p)
    assert r.progress[0].objective == 0 and r.penalties["oncall_unfilled"] == 0


def test_the_warm_start_on_call_step_repeats_under_a_deterministic_limit():
    from solver.greedy import greedy_plan
    from solver.oncall_plan import best_oncall
    from solver_cases import OPTS

    periods = [period("r", k) for k in range(6)]
    p = oncall_problem(["a", "b", "c", "d"], periods, gap=1)
    assignments, rotation = greedy_plan(p)
    opts = replace(OPTS, deterministic_time=2.0)
    runs = {best_oncall(p, assignments, rotation, opts, 0.5) for _ in range(3)}
    assert len(runs) == 1
