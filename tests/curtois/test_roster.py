"""Roster files, the Plan → roster mapping, and the Instance1 optimum."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.curtois import parse_instance
from planner.curtois.checker import check_roster
from planner.curtois.roster import (
    RosterError,
    plan_to_roster,
    read_roster,
    roster_path,
    write_roster,
)
from planner.curtois.to_domain import CLIENT, day_date
from planner.domain import Assignment, Plan

DATA = Path(__file__).parent / "data"


def test_instance1_best_known_607_is_reached_by_a_valid_roster():
    # An optimal roster of Instance1 (found once by a direct CP-SAT model of the
    # published rules and stored): the checker must accept it and recompute 607.
    inst = parse_instance(DATA / "Instance1.txt")
    roster = read_roster(DATA / "Instance1.roster.csv")
    result = check_roster(inst, roster)
    assert result.violations == ()
    assert result.objective == 607


def test_instance1_roster_breaks_rules_when_edited():
    inst = parse_instance(DATA / "Instance1.txt")
    roster = list(read_roster(DATA / "Instance1.roster.csv"))
    a_days = sorted(d for e, d, _ in roster if e == "A")
    # A has day 0 off: working it breaks rule 9 (and changes the objective)
    assert 0 not in a_days
    result = check_roster(inst, roster + [("A", 0, "D")])
    assert "days_off" in [v.rule for v in result.violations]


def test_write_then_read_roundtrip(tmp_path):
    roster = {("B", 3): "L", ("A", 0): "E", ("A", 10): "E"}
    p = write_roster(roster_path(tmp_path / "out", "Tiny"), roster)
    assert p == tmp_path / "out" / "Tiny.roster.csv"
    assert p.read_text().splitlines() == ["employee,day,shift", "A,0,E", "A,10,E", "B,3,L"]
    assert read_roster(p) == (("A", 0, "E"), ("A", 10, "E"), ("B", 3, "L"))


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "line 1: expected the header employee,day,shift"),
        ("emp,day,shift\nA,0,E\n", "line 1: expected the header"),
        ("employee,day,shift\nA,0\n", "line 2: expected 3 fields"),
        ("employee,day,shift\nA,0,E\nA,x,E\n", "line 3: day must be an integer, found 'x'"),
    ],
)
def test_read_malformed_roster(tmp_path, text, message):
    p = tmp_path / "r.csv"
    p.write_text(text)
    with pytest.raises(RosterError, match=message):
        read_roster(p)
    with pytest.raises(RosterError, match="cannot read"):
        read_roster(tmp_path / "none.csv")


def _assignment(tech: str, day: int, shift: str) -> Assignment:
    d = day_date(day)
    start = dt.datetime.combine(d, dt.time(8), tzinfo=dt.timezone.utc)
    return Assignment(
        technician=tech, date=d, shift=shift, client=CLIENT, start=start, end=start + dt.timedelta(hours=8)
    )


def test_plan_to_roster_uses_day_indices_from_the_monday():
    plan = Plan(assignments=(_assignment("B", 13, "L"), _assignment("A", 0, "E"), _assignment("A", 1, "E")))
    assert plan_to_roster(plan) == (("A", 0, "E"), ("A", 1, "E"), ("B", 13, "L"))
    assert day_date(0).weekday() == 0 and day_date(5).weekday() == 5


def test_plan_to_roster_keeps_two_shifts_on_a_day_for_the_checker():
    plan = Plan(assignments=(_assignment("A", 2, "E"), _assignment("A", 2, "L")))
    roster = plan_to_roster(plan)
    assert len(roster) == 2
    inst = parse_instance(DATA / "tiny.txt")
    assert "one_shift_per_day" in [v.rule for v in check_roster(inst, roster).violations]
