"""The demo scenario: loads, holds what DOMAIN.md describes, and is sized honestly."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from planner.calendar import holiday_dates
from planner.demands import Derived
from planner.domain import AbsenceKind, Role, Scenario
from planner.generate import daily_staffing_gaps, weekly_load
from planner.scenario_files import load_scenario

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return load_scenario(DEMO)


def test_counts(demo: Scenario) -> None:
    assert len(demo.technicians) >= 45
    assert len(demo.clients) >= 8
    assert len(demo.peaks) == 2
    assert demo.horizon.start == dt.date(2027, 7, 5) and demo.horizon.start.weekday() == 0
    assert demo.horizon.days == 28
    assert len(demo.requests) >= 5 and len(demo.history) >= 1 and len(demo.fixed) >= 1


def test_holidays_in_horizon(demo: Scenario) -> None:
    end = demo.horizon.end
    assert dt.date(2027, 7, 14) in holiday_dates("FR", demo.horizon.start, end)
    assert dt.date(2027, 7, 21) in holiday_dates("BE", demo.horizon.start, end)
    assert {c.country for c in demo.clients} == {"BE", "FR"}
    assert {t.site for t in demo.technicians} == {"Bruxelles", "Liège", "Lille", "Paris"}


def test_roles_and_skills(demo: Scenario) -> None:
    roles = Counter(r for t in demo.technicians for r in t.roles)
    for role in (Role.helpdesk, Role.proximity, Role.operations, Role.sysadmin, Role.network,
                 Role.dba, Role.team_leader):
        assert roles[role] >= 1, role
    backups = [t for t in demo.technicians if t.is_backup]
    assert len(backups) >= 6
    assert all(len(t.clients) >= 2 for t in backups)
    skills = {s for t in demo.technicians for s in t.skills}
    assert {"fr", "nl", "en", "windows", "linux", "network", "oracle", "postgresql",
            "sqlserver", "monitoring", "desktop"} <= skills


def test_slas(demo: Scenario) -> None:
    clients = {c.id: c for c in demo.clients}
    shifts_of = {cid: {r.shift for r in demo.coverage if r.client == cid} for cid in clients}
    around_the_clock = [c for c in demo.clients
                        if len(c.service_windows) == 7 and c.covers_public_holidays
                        and {"early", "late", "night"} <= shifts_of[c.id]]
    assert around_the_clock, "a 24/7 client with early, late and night shifts"
    closed = {c.country for c in demo.clients if not c.covers_public_holidays
              and "day" in shifts_of[c.id]}
    assert closed == {"BE", "FR"}, "business-hours desks closed on BE and FR holidays"
    assert any(c.covers_public_holidays and c not in around_the_clock
               for c in demo.clients), "a business client open on public holidays"
    assert len({c.tier for c in demo.clients}) == 3


def test_oncall_rotations(demo: Scenario) -> None:
    assert len(demo.rotations) >= 2
    for r in demo.rotations:
        assert (r.handover_weekday, r.handover_time, r.period_days, r.backup) == (
            0, dt.time(8), 7, True)
        eligible = [t for t in demo.technicians if t.oncall and r.clients <= t.clients
                    and (not r.skill or r.skill in t.skills)]
        # primary + backup each week, never two weeks running, room for a week of leave
        assert len(eligible) >= 5, r.id
    assert any(len(r.clients) >= 3 for r in demo.rotations), "a pool rotation"
    assert {"dba", "windows", "linux"} <= {r.skill for r in demo.rotations}


def test_contracts(demo: Scenario) -> None:
    by_hours = {c.max_hours_per_week_avg for c in demo.contracts}
    assert {38, 40} <= by_hours
    assert any(c.shift_limits.get("night") == 0 and c.max_hours_per_week_avg < 35
               for c in demo.contracts), "part-time without nights"
    assert any(c.works_public_holidays for c in demo.contracts)


def test_absences(demo: Scenario) -> None:
    kinds = Counter(a.kind for a in demo.absences)
    assert kinds[AbsenceKind.planned] >= 3 and kinds[AbsenceKind.unplanned] >= 2
    assert any(a.start_time is not None for a in demo.absences), "a part-day absence"


def test_files_match_builder(demo: Scenario) -> None:
    """The CSV files are the output of data/demo/build_demo.py: keep them in sync."""
    spec = importlib.util.spec_from_file_location("build_demo", DEMO / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == demo


# --- capacity: coverage must be achievable by the staff ----------------------------------

def test_trained_people_cover_peak_daily_demand(demo: Scenario) -> None:
    """Per client and skill, trained skilled people >= the largest daily demand."""
    need: Counter = Counter()
    for row in Derived(demo).demands:
        need[(row.client, row.skill, row.date)] += row.required + row.peak
    peak_day: dict[tuple[str, str], int] = {}
    for (client, skill, _), n in need.items():
        peak_day[(client, skill)] = max(peak_day.get((client, skill), 0), n)
    for (client, skill), n in peak_day.items():
        trained = [t for t in demo.technicians if client in t.clients
                   and (not skill or skill in t.skills)]
        assert len(trained) >= n + 1, (client, skill, n, len(trained))


def test_every_day_can_be_staffed(demo: Scenario) -> None:
    # a matching per day: eligibility, absences and public holidays respected
    assert daily_staffing_gaps(demo) == []


def test_demand_well_below_capacity(demo: Scenario) -> None:
    assert 0.4 < weekly_load(demo) < 0.75
