"""The independent benchmark checker: every hard rule on its edge, and the objective."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.curtois import parse_instance
from planner.curtois.checker import HARD_RULES, check_roster
from planner.curtois.instance import Cover, Instance, Shift, ShiftRequest, Staff

DATA = Path(__file__).parent / "data"


def make(
    horizon: int = 7,
    *,
    max_shifts: dict[str, int] | None = None,
    max_minutes: int = 10_000,
    min_minutes: int = 0,
    max_cons: int = 99,
    min_cons: int = 0,
    min_off: int = 0,
    max_weekends: int = 99,
    days_off: frozenset[int] = frozenset(),
) -> Instance:
    """One employee 'A', shifts E (480 min) and L (600 min, may not be followed by E)."""
    return Instance(
        name="t",
        horizon=horizon,
        shifts=(Shift("E", 480), Shift("L", 600, ("E",))),
        staff=(
            Staff(
                "A",
                max_shifts=max_shifts if max_shifts is not None else {"E": 99, "L": 99},
                max_total_minutes=max_minutes,
                min_total_minutes=min_minutes,
                max_consecutive_shifts=max_cons,
                min_consecutive_shifts=min_cons,
                min_consecutive_days_off=min_off,
                max_weekends=max_weekends,
            ),
        ),
        days_off={"A": days_off} if days_off else {},
    )


def work(pattern: str) -> dict[tuple[str, int], str]:
    """Roster of employee A from a day pattern: '.' off, otherwise the shift id."""
    return {("A", d): s for d, s in enumerate(pattern) if s != "."}


def rules_broken(instance: Instance, roster) -> list[str]:
    return [v.rule for v in check_roster(instance, roster).violations]


# ---------------------------------------------------------------- rule 1
def test_two_shifts_on_one_day():
    inst = make()
    assert rules_broken(inst, [("A", 2, "E"), ("A", 2, "L")]) == ["one_shift_per_day"]
    assert rules_broken(inst, [("A", 2, "E"), ("A", 3, "E")]) == []


# ---------------------------------------------------------------- rule 2
@pytest.mark.parametrize(
    "pattern, broken",
    [
        ("LE.....", ["forbidden_succession"]),
        ("EL.....", []),
        ("L.E....", []),
        ("LL.....", []),
        (".....LE", ["forbidden_succession"]),
    ],
)
def test_forbidden_succession(pattern, broken):
    assert rules_broken(make(), work(pattern)) == broken


# ---------------------------------------------------------------- rule 3
def test_shift_type_max_zero_and_max_two():
    inst = make(max_shifts={"E": 99, "L": 0})
    assert rules_broken(inst, work("L......")) == ["max_shifts_per_type"]
    assert rules_broken(inst, work("EEE....")) == []
    inst = make(max_shifts={"E": 99, "L": 2})
    assert rules_broken(inst, work("LL.....")) == []
    assert rules_broken(inst, work("LLL....")) == ["max_shifts_per_type"]


def test_unlisted_shift_type_is_unlimited():
    assert rules_broken(make(max_shifts={"E": 1}), work("LLLLL..")) == []


# ---------------------------------------------------------------- rule 4
@pytest.mark.parametrize(
    "pattern, broken",
    [
        ("EE.....", []),  # 960 = min
        ("E......", ["total_minutes"]),  # 480 < 960
        ("EL.....", []),  # 1080 = max
        ("LL.....", ["total_minutes"]),  # 1200 > 1080
        (".......", ["total_minutes"]),
    ],
)
def test_total_minutes(pattern, broken):
    assert rules_broken(make(min_minutes=960, max_minutes=1080), work(pattern)) == broken


# ---------------------------------------------------------------- rule 5
@pytest.mark.parametrize(
    "pattern, broken",
    [("EEE....", []), ("EEEE...", ["max_consecutive_shifts"]), ("...EEEE", ["max_consecutive_shifts"]),
     ("EEE.EEE", [])],
)
def test_max_consecutive_shifts_no_history(pattern, broken):
    assert rules_broken(make(max_cons=3), work(pattern)) == broken


# ---------------------------------------------------------------- rule 6
@pytest.mark.parametrize(
    "pattern, broken",
    [
        ("E......", []),  # touches day 0: exempt
        ("......E", []),  # touches day H-1: exempt
        ("...E...", ["min_consecutive_shifts"]),
        (".E.....", ["min_consecutive_shifts"]),  # a day off on both sides inside the horizon
        (".....E.", ["min_consecutive_shifts"]),
        ("..EE...", []),
        ("E.E.E.E", ["min_consecutive_shifts", "min_consecutive_shifts"]),
    ],
)
def test_min_consecutive_shifts_edges(pattern, broken):
    assert rules_broken(make(min_cons=2), work(pattern)) == broken


# ---------------------------------------------------------------- rule 7
@pytest.mark.parametrize(
    "pattern, broken",
    [
        (".EEEEEE", []),  # off block touching day 0: exempt (enforcing it gives Instance1 807)
        ("EEEEEE.", []),  # touching day H-1: exempt
        (".......", []),  # one block touching both ends
        ("EEE.EEE", ["min_consecutive_days_off"]),
        ("E.EEEEE", ["min_consecutive_days_off"]),
        ("EE..EEE", []),
        ("EEEEE.E", ["min_consecutive_days_off"]),
    ],
)
def test_min_consecutive_days_off_edges(pattern, broken):
    assert rules_broken(make(min_off=2), work(pattern)) == broken


# ---------------------------------------------------------------- rule 8
@pytest.mark.parametrize(
    "days, broken",
    [
        ((5, 6), []),  # both days of weekend 0 count once
        ((5,), []),
        ((6, 12), ["max_weekends"]),  # weekends 0 and 1
        ((12, 13), []),
        ((4, 7, 11), []),  # Friday, Monday, Friday: no weekend
        ((13,), []),
    ],
)
def test_max_weekends(days, broken):
    inst = make(14, max_weekends=1)
    assert rules_broken(inst, {("A", d): "E" for d in days}) == broken


def test_max_weekends_zero():
    inst = make(14, max_weekends=0)
    assert rules_broken(inst, {("A", 4): "E", ("A", 7): "E"}) == []
    assert rules_broken(inst, {("A", 13): "E"}) == ["max_weekends"]


# ---------------------------------------------------------------- rule 9
def test_days_off():
    inst = make(days_off=frozenset({2}))
    assert rules_broken(inst, work("..E....")) == ["days_off"]
    assert rules_broken(inst, work(".E.E...")) == []


def test_entries_that_do_not_fit_the_instance():
    inst = make()
    found = rules_broken(inst, [("Z", 1, "E"), ("A", 1, "N"), ("A", 7, "E"), ("A", -1, "E")])
    assert found == ["unknown_employee", "unknown_shift", "day_out_of_range", "day_out_of_range"]


def test_every_hard_rule_is_tested_here():
    text = Path(__file__).read_text()
    for rule in HARD_RULES:
        assert f'"{rule}"' in text, rule


# ---------------------------------------------------------------- objective
def test_objective_of_a_hand_computed_tiny_roster():
    inst = parse_instance(DATA / "tiny.txt")
    roster = {
        ("A", 0): "E", ("A", 1): "E", ("A", 2): "L", ("A", 3): "L",
        ("B", 1): "E", ("B", 4): "E",
    }
    result = check_roster(inst, roster)
    assert result.violations == ()
    # off request A/3/L (4) violated; under: d0 L 50, E on d2, d3, d5, d6 at 100; over: d1 E by 1
    assert dict(result.penalties) == {"on_requests": 0, "off_requests": 4, "cover_under": 450, "cover_over": 1}
    assert result.objective == 455


def test_objective_of_the_empty_tiny_roster():
    inst = parse_instance(DATA / "tiny.txt")
    result = check_roster(inst, {})
    assert [v.rule for v in result.violations] == ["total_minutes"]  # A needs 960 minutes
    assert dict(result.penalties) == {"on_requests": 5, "off_requests": 0, "cover_under": 950, "cover_over": 0}
    assert result.objective == 955


def test_over_cover_weight_and_duplicate_requests_count():
    inst = Instance(
        name="t",
        horizon=2,
        shifts=(Shift("D", 480),),
        staff=tuple(Staff(x, {"D": 2}, 960, 0, 2, 0, 0, 1) for x in "ABC"),
        on_requests=(ShiftRequest("A", 0, "D", 2), ShiftRequest("A", 0, "D", 3)),
        off_requests=(ShiftRequest("B", 1, "D", 7),),
        cover=(Cover(0, "D", 1, 100, 5), Cover(1, "D", 2, 30, 5)),
    )
    roster = {("A", 0): "D", ("B", 0): "D", ("C", 0): "D", ("B", 1): "D"}
    r = check_roster(inst, roster)
    assert r.violations == ()
    assert dict(r.penalties) == {"on_requests": 0, "off_requests": 7, "cover_under": 30, "cover_over": 10}
    r = check_roster(inst, {("B", 0): "D"})
    assert dict(r.penalties) == {"on_requests": 5, "off_requests": 0, "cover_under": 60, "cover_over": 0}
