"""The scenario generator: deterministic, valid, and sized to its demand."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import Role
from planner.generate import daily_staffing_gaps, generate_scenario, weekly_load
from planner.scenario_files import load_scenario, save_scenario


def test_deterministic() -> None:
    assert generate_scenario(60, seed=3) == generate_scenario(60, seed=3)
    assert generate_scenario(60, seed=3) != generate_scenario(60, seed=4)


@pytest.mark.parametrize("size", [50, 100, 200, 400])
def test_benchmark_sizes(size: int) -> None:
    s = generate_scenario(size)
    assert len(s.technicians) == size
    assert 5 <= size / len(s.clients) <= 7.5
    windows = Counter(len(c.service_windows) for c in s.clients)
    assert windows[7] >= 1 and windows[5] >= 1, "a mix of 24/7 and business hours"
    assert s.rotations and s.absences and s.peaks and s.requests
    assert daily_staffing_gaps(s) == []
    assert weekly_load(s) < 0.7


@settings(max_examples=12, deadline=None)
@given(size=st.integers(12, 90), weeks=st.integers(1, 5), seed=st.integers(0, 10_000))
def test_valid_and_staffed(size: int, weeks: int, seed: int) -> None:
    s = generate_scenario(size, weeks=weeks, seed=seed)
    assert len(s.technicians) == size and s.horizon.days == 7 * weeks
    assert all(len(t.clients) >= 2 for t in s.technicians if t.is_backup)
    for r in s.rotations:
        eligible = [t for t in s.technicians
                    if t.oncall and r.clients <= t.clients and r.skill in t.skills]
        assert len(eligible) >= 5
    for rule in s.coverage:
        trained = [t for t in s.technicians
                   if rule.client in t.clients and rule.skill in t.skills]
        assert len(trained) > rule.required
    assert daily_staffing_gaps(s) == []


def test_roles_present() -> None:
    roles = {r for t in generate_scenario(100).technicians for r in t.roles}
    assert {Role.helpdesk, Role.operations, Role.proximity, Role.sysadmin, Role.dba,
            Role.backup, Role.team_leader} <= roles


def test_round_trip(tmp_path: Path) -> None:
    s = generate_scenario(40, seed=7)
    save_scenario(s, tmp_path)
    assert load_scenario(tmp_path) == s


def test_too_small() -> None:
    with pytest.raises(ValueError, match="at least 12 technicians"):
        generate_scenario(5)


def test_small_generated_scenario_solves_cleanly() -> None:
    """End to end on a small instance: the checker finds no hard violation, agrees with
    the solver's objective, and the plan leaves no coverage gap."""
    from planner.pipeline import plan_scenario
    from solver import SolveOptions

    s = generate_scenario(14, weeks=1, seed=1)
    outcome = plan_scenario(s, SolveOptions(time_limit=10, workers=1, seed=0))
    assert outcome.result.status in ("optimal", "feasible")
    assert outcome.report.hard_ok, outcome.report.violations[:3]
    assert outcome.report.objective == outcome.result.objective
    assert outcome.result.gaps == ()
