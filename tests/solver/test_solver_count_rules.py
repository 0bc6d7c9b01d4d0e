"""Engine tests: hours, weekends, shift-type limits, consecutive days, successions.

Run-length cases fix a work pattern exactly: the person has a duty only on the
worked days (so the other days are off) and every duty is fixed.
"""

from __future__ import annotations

import pytest
from solver_cases import NO_WEIGHTS, duty, problem, run

from solver import Person, Rules

NO_REST = Rules(min_rest_minutes=0, weights=NO_WEIGHTS)


def pattern(person: Person, worked: list[int], num_days: int, rules: Rules = NO_REST):
    duties = [duty(d, "D") for d in worked]
    return problem([person], duties, num_days=num_days, rules=rules,
                   fixed=tuple((person.id, d.id) for d in duties))


def feasible(p) -> bool:
    status = run(p).status
    assert status in ("optimal", "infeasible")
    return status == "optimal"


# --- max_hours_per_week -----------------------------------------------------------
@pytest.mark.parametrize("cap, ok", [(960, True), (959, False)])
def test_max_hours_per_week_edge(cap, ok):
    person = Person(id="p", max_minutes_per_week=cap)
    p = problem([person], [duty(0), duty(1)], num_days=7, weeks=(tuple(range(7)),),
                fixed=(("p", "0/D/acme"), ("p", "1/D/acme")), rules=NO_REST)
    assert feasible(p) is ok


def test_max_hours_per_week_is_per_week():
    # two weeks of 2 days: one duty per week fits a 480-minute cap; day 1 and 2 in different weeks
    person = Person(id="p", max_minutes_per_week=480)
    p = problem([person], [duty(d) for d in range(4)], weeks=((0, 1), (2, 3)), rules=NO_REST)
    r = run(p)
    assert len(r.assignments) == 2
    assert r.penalties["coverage_shortfall"] == 20


# --- contract_hours ---------------------------------------------------------------
@pytest.mark.parametrize("cap, held", [(960, 2), (959, 1), (1440, 3)])
def test_contract_max_minutes(cap, held):
    p = problem([Person(id="p", max_minutes=cap)], [duty(d) for d in range(3)], rules=NO_REST)
    r = run(p)
    assert len(r.assignments) == held
    assert r.penalties["coverage_shortfall"] == 10 * (3 - held)


@pytest.mark.parametrize("least, ok", [(1440, True), (1441, False)])
def test_contract_min_minutes_forces_unwanted_duties(least, ok):
    # nobody is wanted (required 0, over weight 1), yet the minimum forces the work
    duties = [duty(d, required=0, over=1) for d in range(3)]
    r = run(problem([Person(id="p", min_minutes=least)], duties, rules=NO_REST))
    if ok:
        assert len(r.assignments) == 3 and r.penalties["over_coverage"] == 3
    else:
        assert r.status == "infeasible"


# --- max_consecutive_days ---------------------------------------------------------
@pytest.mark.parametrize(
    "worked, history, ok",
    [
        ([0, 1, 2], None, True),
        ([0, 1, 2, 3], None, False),
        ([0, 1, 2, 4], None, True),
        ([1, 2, 3, 4], None, False),
        ([0], 2, True),        # 2 before + 1 = 3
        ([0, 1], 2, False),    # 2 before + 2 = 4
        ([0], 3, False),
        ([1, 2, 3], 3, True),  # day 0 off breaks the history run
    ],
)
def test_max_consecutive_days(worked, history, ok):
    person = Person(id="p", max_consecutive_days=3, history_consecutive_days=history,
                    history_consecutive_days_off=None if history is None else 0)
    assert feasible(pattern(person, worked, 5)) is ok


def test_max_consecutive_days_leaves_a_gap():
    p = problem([Person(id="p", max_consecutive_days=3)], [duty(d) for d in range(5)], rules=NO_REST)
    r = run(p)
    assert len(r.assignments) == 4
    assert r.penalties["coverage_shortfall"] == 10


# --- min_consecutive_days -----------------------------------------------------------
def hist(work: int | None, off: int | None) -> dict:
    return {"history_consecutive_days": work, "history_consecutive_days_off": off}


@pytest.mark.parametrize(
    "worked, history, exempt, ok",
    [
        ([2], hist(None, None), True, False),          # isolated day inside
        ([2, 3], hist(None, None), True, True),        # exactly 2
        ([0], hist(None, None), True, True),           # touches day 0, no history
        ([0], hist(0, 3), True, False),                # history known: 0 + 1 < 2
        ([0], hist(1, 0), True, True),                 # history adds 1: 1 + 1 = 2
        ([4], hist(None, None), True, True),           # touches last day
        ([4], hist(None, None), False, False),         # edges not exempt
        ([0], hist(None, None), False, False),
        ([0, 1, 3, 4], hist(None, None), False, True),
        ([1, 2, 4], hist(None, None), True, True),     # run {4} touches last day
    ],
)
def test_min_consecutive_days(worked, history, exempt, ok):
    person = Person(id="p", min_consecutive_days=2, **history)
    rules = Rules(min_rest_minutes=0, weights=NO_WEIGHTS, exempt_horizon_edges=exempt)
    assert feasible(pattern(person, worked, 5, rules)) is ok


@pytest.mark.parametrize(
    "worked, history, exempt, ok",
    [
        ([0, 2], hist(None, None), True, False),       # off run {1}
        ([0, 3], hist(None, None), True, True),        # off run {1, 2}
        ([1], hist(None, None), True, True),           # off run {0} touches day 0
        ([1], hist(2, 0), True, False),                # history off 0: run {0} too short
        ([1], hist(0, 1), True, True),                 # history off 1 + 1 = 2
        ([3], hist(None, None), True, True),           # off run {4} touches last day
        ([3], hist(None, None), False, False),
        ([1, 4], hist(None, None), False, False),      # off run {0}
        ([2], hist(None, None), False, True),          # off runs {0, 1} and {3, 4}
    ],
)
def test_min_consecutive_days_off(worked, history, exempt, ok):
    person = Person(id="p", min_consecutive_days_off=2, **history)
    rules = Rules(min_rest_minutes=0, weights=NO_WEIGHTS, exempt_horizon_edges=exempt)
    assert feasible(pattern(person, worked, 5, rules)) is ok


def test_min_consecutive_days_three_changes_the_choice():
    # 6 days wanting one person, runs of 3..4 days; known history (off before day 0), so
    # the first run needs 3 days too; only a run touching the last day may be shorter
    person = Person(id="p", min_consecutive_days=3, max_consecutive_days=4, **hist(0, 5))
    r = run(problem([person], [duty(d) for d in range(6)], rules=NO_REST))
    days = sorted(int(did.split("/")[0]) for _, did in r.assignments)
    assert days in ([0, 1, 2, 3, 5], [0, 1, 2, 4, 5])
    assert r.penalties["coverage_shortfall"] == 10


# --- max_weekends -------------------------------------------------------------------
@pytest.mark.parametrize("worked, ok", [([5, 6], True), ([5, 12], False), ([6, 13], False)])
def test_max_weekends(worked, ok):
    person = Person(id="p", max_weekends=1)
    duties = [duty(d) for d in worked]
    p = problem([person], duties, num_days=14, weekends=((5, 6), (12, 13)), rules=NO_REST,
                fixed=tuple(("p", d.id) for d in duties))
    assert feasible(p) is ok


# --- shift_type_limits -------------------------------------------------------------
@pytest.mark.parametrize("fixed_nights, ok", [(1, True), (2, False)])
def test_shift_type_limits(fixed_nights, ok):
    person = Person(id="p", max_per_shift_type={"N": 1})
    duties = [duty(0, "N"), duty(2, "N")]
    p = problem([person], duties, rules=NO_REST,
                fixed=tuple(("p", d.id) for d in duties[:fixed_nights]))
    assert feasible(p) is ok


def test_shift_type_limits_leave_a_gap():
    person = Person(id="p", max_per_shift_type={"N": 1})
    r = run(problem([person], [duty(0, "N"), duty(2, "N"), duty(4, "D")], rules=NO_REST))
    assert len(r.assignments) == 2
    assert r.penalties["coverage_shortfall"] == 10


# --- forbidden_successions ------------------------------------------------------------
SUCC = Rules(min_rest_minutes=0, weights=NO_WEIGHTS, forbidden_successions=frozenset({("L", "E")}))


@pytest.mark.parametrize(
    "first, second, ok",
    [((0, "L"), (1, "E"), False), ((0, "E"), (1, "L"), True), ((0, "L"), (2, "E"), True),
     ((0, "L"), (1, "L"), True)],
)
def test_forbidden_successions(first, second, ok):
    a, b = duty(*first), duty(*second)
    p = problem(["p"], [a, b], rules=SUCC, fixed=(("p", a.id), ("p", b.id)))
    assert feasible(p) is ok


@pytest.mark.parametrize("last, ok", [("L", False), ("E", True), (None, True)])
def test_forbidden_successions_history(last, ok):
    person = Person(id="p", history_last_shift_type=last)
    d = duty(0, "E")
    assert feasible(problem([person], [d], rules=SUCC, fixed=(("p", d.id),))) is ok
