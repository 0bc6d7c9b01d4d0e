"""The benchmark → domain mapping: fields, and agreement of the domain checker with ours.

The second part is the real test of the mapping: for many rosters (valid ones and
rosters that break each rule), Rota's own checker on the mapped scenario must find
the same broken rules and the same objective as the benchmark checker.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from planner.check import check
from planner.curtois import parse_instance
from planner.curtois.checker import check_roster
from planner.curtois.instance import Instance, Shift, Staff
from planner.curtois.roster import plan_to_roster, read_roster, roster_to_plan
from planner.curtois.to_domain import CLIENT, DAY0, instance_to_scenario

DATA = Path(__file__).parent / "data"

# benchmark rule -> the domain rule that must report it
DOMAIN_RULE = {
    "one_shift_per_day": "one_shift_per_day",
    "forbidden_succession": "forbidden_successions",
    "max_shifts_per_type": "shift_type_limits",
    "total_minutes": "contract_hours",
    "max_consecutive_shifts": "max_consecutive_days",
    "min_consecutive_shifts": "min_consecutive_days",
    "min_consecutive_days_off": "min_consecutive_days_off",
    "max_weekends": "max_weekends",
    "days_off": "eligibility",
}


def test_tiny_maps_every_field():
    sc = instance_to_scenario(parse_instance(DATA / "tiny.txt"))
    assert sc.horizon.start == DAY0 and DAY0.weekday() == 0 and sc.horizon.days == 7
    a = sc.contract("A")
    assert (a.min_minutes_total, a.max_minutes_total) == (960, 2880)
    assert (a.max_consecutive_days, a.min_consecutive_days, a.min_consecutive_days_off) == (4, 2, 2)
    assert a.max_weekends == 1 and a.shift_limits == {"E": 5, "L": 2}
    assert a.max_hours_in_week is None and a.min_hours_per_week is None and a.max_hours_per_week_avg is None
    b = sc.contract("B")
    assert (b.min_consecutive_days, b.min_consecutive_days_off) == (1, 1)
    assert b.shift_limits["L"] == 0
    assert [t.id for t in sc.technicians] == ["A", "B"]
    assert all(t.clients == {CLIENT} and t.contract == t.id and not t.country for t in sc.technicians)
    assert len(sc.clients) == 1 and sc.clients[0].country == ""
    e, l = sc.shift_types
    assert (e.minutes, l.minutes, e.is_night, l.is_night) == (480, 600, False, False)
    assert not e.crosses_midnight and not l.crosses_midnight
    assert sc.rules.min_rest_hours == 0 and sc.rules.forbidden_successions == {("L", "E")}
    assert sc.rules.exempt_horizon_edges and sc.rules.continuity_weight == 0 and sc.rules.backup_use_weight == 0
    assert set(sc.rules.fairness_weights.values()) == {0}
    assert [(x.technician, x.start, x.end, x.start_time) for x in sc.absences] == [
        ("A", DAY0 + dt.timedelta(6), DAY0 + dt.timedelta(6), None),
        ("B", DAY0 + dt.timedelta(2), DAY0 + dt.timedelta(2), None),
        ("B", DAY0 + dt.timedelta(3), DAY0 + dt.timedelta(3), None),
    ]
    assert [(q.technician, q.date.day, q.shift, q.work, q.weight) for q in sc.requests] == [
        ("A", 1, "E", True, 2), ("B", 2, "E", True, 3), ("A", 4, "L", False, 4),
    ]
    rule = next(r for r in sc.coverage if r.date == DAY0 and r.shift == "L")
    assert (rule.required, rule.under_weight, rule.over_weight, rule.skill) == (1, 50, 1, "")
    assert len(sc.coverage) == 14


def test_a_long_shift_stays_inside_its_day_and_counts_its_minutes():
    inst = Instance("long", 2, (Shift("X", 1200),), (Staff("A", {}, 2400, 0, 2, 0, 0, 1),))
    (x,) = instance_to_scenario(inst).shift_types
    assert x.minutes == 1200 and not x.crosses_midnight


def test_missing_cover_rows_become_free_duties():
    inst = Instance("nocover", 2, (Shift("D", 480),), (Staff("A", {}, 960, 0, 2, 0, 0, 1),))
    sc = instance_to_scenario(inst)
    assert [(r.required, r.under_weight, r.over_weight) for r in sc.coverage] == [(0, 0, 0)] * 2
    plan = roster_to_plan(sc, {("A", 0): "D", ("A", 1): "D"})
    report = check(sc, plan)
    assert report.violations == () and report.objective == 0


def _compare(inst: Instance, roster) -> None:
    sc = instance_to_scenario(inst)
    entries = [(e, d, s) for (e, d), s in roster.items()] if isinstance(roster, dict) else list(roster)
    plan = roster_to_plan(sc, roster)
    assert sorted(plan_to_roster(plan)) == sorted(entries)
    ours = check_roster(inst, roster)
    theirs = check(sc, plan)
    want = {(DOMAIN_RULE[v.rule], v.employee) for v in ours.violations}
    # a shift type with max 0 is also an eligibility matter in the domain (docs/rules.md)
    want |= {("eligibility", e) for e, _, s in entries if inst.employee(e).max_shifts.get(s) == 0}
    got = {(v.rule, v.technician) for v in theirs.violations}
    assert got == want, (sorted(want), [v.message for v in theirs.violations])
    assert theirs.objective == ours.objective, (dict(ours.penalties), dict(theirs.penalties))


def test_instance1_optimal_roster_is_valid_and_607_in_the_domain_too():
    inst = parse_instance(DATA / "Instance1.txt")
    roster = read_roster(DATA / "Instance1.roster.csv")
    _compare(inst, roster)
    sc = instance_to_scenario(inst)
    assert check(sc, roster_to_plan(sc, roster)).objective == 607


EDGE_PATTERNS = [
    "EEEE...", "EEEEE..", ".E.E.E.", "E.....E", "...E...", "L.E....", "LE.....", "EL.....",
    "LLL....", "E.EEEE.", "..EEEE.", ".....EE", "EEE.EEE", ".......", "E......", "......E",
]


@pytest.mark.parametrize("pattern", EDGE_PATTERNS)
def test_edge_patterns_agree_on_tiny(pattern):
    inst = parse_instance(DATA / "tiny.txt")
    roster = {("A", d): s for d, s in enumerate(pattern) if s != "."}
    roster.update({("B", 0): "E", ("B", 1): "E", ("B", 4): "E"})
    _compare(inst, roster)


@pytest.mark.parametrize("seed", range(16))
def test_random_rosters_agree(seed):
    rng = random.Random(seed)
    inst = parse_instance(DATA / ("Instance1.txt", "tiny.txt", "edges.txt", "tiny.txt")[seed % 4])
    if seed % 3 == 0:  # two weeks and two shift types: weekends and successions matter
        inst = Instance(
            "two-weeks", 14, (Shift("E", 480), Shift("L", 600, ("E",))),
            tuple(Staff(x, {"E": 9, "L": 3 * (i % 2)}, 6000, 2400, 4, 2, 2, 1) for i, x in enumerate("ABC")),
            days_off={"A": frozenset({3, 4}), "C": frozenset({13})},
        )
    shifts = [s.id for s in inst.shifts]
    density = rng.choice([0.3, 0.5, 0.7])
    roster = {
        (e.id, d): rng.choice(shifts)
        for e in inst.staff
        for d in range(inst.horizon)
        if rng.random() < density
    }
    _compare(inst, roster)
