"""Busy time (issue 14): a shared technician's duties in other teams' published plans.

Each solver test builds a scenario where, without busy time, the solver puts the shared
person on a duty, and asserts that with busy time it does not; the independent checker
judges every plan (``solve_and_check``) and flags hand-made plans that break a person
rule against a busy duty, naming the person, the date and the busy duty's label.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner.check import check
from planner.compile import CompileError, compile_scenario, to_plan
from planner.domain import Assignment, BusyDuty, Role, Scenario
from planner.scenario_files import load_scenario, save_scenario
from planner.scenario_io.errors import ScenarioError
from tests.rules.conftest import (asg, day, every_day, make, plan, rules_broken, solve_and_check,
                                  tech, works)

BXL = ZoneInfo("Europe/Brussels")


def at(i: int, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day(i), dt.time(h, m), tzinfo=BXL)


def busy(i: int, start: int, hours: int, who: str = "A", label: str = "pilotage", **kw) -> BusyDuty:
    """``who`` busy on horizon day ``i`` from ``start`` o'clock for ``hours`` hours."""
    begin = at(i, start)
    return BusyDuty(technician=who, date=day(i), start=begin,
                    end=begin + dt.timedelta(hours=hours), label=label, **kw)


def with_busy(sc: Scenario, *duties: BusyDuty) -> Scenario:
    return Scenario.model_validate({**sc.model_dump(), "busy": [b.model_dump() for b in duties]})


def days_of(p, who: str = "A") -> list[int]:
    return sorted((a.date - day(0)).days for a in p.assignments if a.technician == who)


def alone(**kw) -> Scenario:
    """Alice alone on acme; one day shift (D 09-17) wanted every day of a week."""
    kw.setdefault("coverage", every_day("D"))
    return make(technicians=(tech("A", "Alice"),), **kw)


# --- the solver keeps the shared person off what their busy time forbids ------------

def test_overlap_and_one_shift_per_day():
    sc = alone()
    assert days_of(solve_and_check(sc)[2]) == list(range(7))
    # day 2: the same hours elsewhere (overlap); day 4: 19-21 elsewhere (no overlap, same day)
    sc2 = with_busy(sc, busy(2, 9, 8, label="pilotage: D"), busy(4, 19, 2, label="pilotage: E"))
    sc2 = sc2.model_copy(update={"rules": sc2.rules.model_copy(update={"min_rest_hours": 0})})
    _, report, p = solve_and_check(sc2)
    assert days_of(p) == [0, 1, 3, 5, 6]
    assert report.objective == 2 * 50  # two tier-2 gaps, nothing charged for the busy duties


def test_rest_after_a_busy_night_across_the_horizon_start_and_end():
    sc = alone(coverage=every_day("L"))  # 14-22
    assert days_of(solve_and_check(sc)[2]) == list(range(7))
    sc2 = with_busy(
        sc,
        busy(-1, 22, 10, night=True, label="pilotage: N before"),  # until 08:00 day 0: 6 h to L
        busy(2, 22, 8, night=True, label="pilotage: N"),     # day 2 itself + L on day 3 (8 h rest)
        busy(7, 6, 8, label="pilotage: E after"),            # after the horizon: L on day 6, 8 h
    )
    _, _, p = solve_and_check(sc2)
    assert days_of(p) == [1, 4, 5]


def test_weekly_hours_cap_reached_with_busy_hours():
    sc = alone(contract=dict(max_hours_in_week=40))
    assert len(days_of(solve_and_check(sc)[2])) == 5  # 40 h
    sc2 = with_busy(sc, busy(5, 9, 8, label="sat"), busy(6, 9, 8, label="sun"))
    _, report, p = solve_and_check(sc2)
    assert len(days_of(p)) == 3 and not set(days_of(p)) & {5, 6}  # 24 h + 16 h busy


def test_busy_hours_alone_above_the_cap_leave_the_week_empty_not_infeasible():
    sc = alone(contract=dict(max_hours_in_week=20))
    sc2 = with_busy(sc, *(busy(i, 8, 10, label=f"long {i}") for i in (0, 1, 2)))  # 30 h > 20 h
    _, _, p = solve_and_check(sc2)
    assert days_of(p) == []
    assert rules_broken(check(sc2, plan(asg(sc2, "A", 4, "D")))) == {"max_hours_per_week": 1}


def test_lint_warns_of_busy_time_alone_at_the_cap_and_far_away():
    from planner.lint import scenario_warnings

    sc = with_busy(alone(contract=dict(max_hours_in_week=20)),
                   *(busy(i, 8, 10, label=f"long {i}") for i in (0, 1)), busy(40, 8, 1))
    warnings = [w for w in scenario_warnings(sc) if w.startswith("busy.csv")]
    assert warnings == [
        "busy.csv row 3 (A, 2027-08-14): lies far outside the horizon (2027-07-05 to "
        "2027-07-11); the busy duty cannot affect the plan",
        "busy.csv: A is busy in other teams 20 h in the week of 2027-07-05 (cap 20 h); this "
        "plan gives them nothing that week"]


def test_contract_minimum_does_not_become_impossible():
    """Every day is needed to reach the minimum; a one-hour busy duty takes a day (and
    the rest around it): the minimum no longer binds Alice, the plan is not infeasible."""
    sc = alone(contract=dict(min_minutes_total=7 * 480))
    assert len(days_of(solve_and_check(sc)[2])) == 7
    assert rules_broken(check(sc, plan(works(sc, "A", [0, 1, 2, 4, 5, 6])))) == {"contract_hours": 1}
    sc2 = with_busy(sc, busy(3, 10, 1, label="a short call"))
    _, _, p = solve_and_check(sc2)
    assert days_of(p) == [0, 1, 2, 4, 5, 6]  # coverage still wants every free day
    assert rules_broken(check(sc2, plan(works(sc2, "A", [0])))) == {}


def test_contract_maximum_counts_busy_hours():
    sc = alone(contract=dict(max_minutes_total=5 * 480))
    assert len(days_of(solve_and_check(sc)[2])) == 5
    sc2 = with_busy(sc, busy(0, 9, 8, label="x"), busy(1, 9, 8, label="y"))
    assert len(days_of(solve_and_check(sc2)[2])) == 3


def test_consecutive_days_count_busy_days():
    sc = alone(contract=dict(max_consecutive_days=3))
    with_b = with_busy(sc, busy(1, 9, 8, label="x"), busy(2, 9, 8, label="y"))
    _, _, p = solve_and_check(with_b)
    got = set(days_of(p))
    # days 1-2 busy: day 0 and day 3 cannot both be worked (4 in a row)
    assert not {0, 3} <= got and 1 not in got and 2 not in got


def test_night_flag_applies_forbidden_successions():
    sc = alone(rules=dict(forbidden_successions=frozenset({("N", "D")}), min_rest_hours=0))
    with_b = with_busy(sc, busy(2, 22, 8, night=True, label="pilotage: N"))
    _, _, p = solve_and_check(with_b)
    assert 3 not in days_of(p) and 2 not in days_of(p)
    without = with_busy(sc, busy(2, 22, 8, night=False, label="late"))
    assert 3 in days_of(solve_and_check(without)[2])


def test_busy_time_never_in_the_plan_and_never_charged():
    """Busy duties are not in the plan; requests, backup use, continuity and fairness
    see only this team's duties (the checker and the solver agree on every penalty)."""
    sc = make(technicians=(tech("A", "Alice", roles=frozenset({Role.backup}),
                                clients=frozenset({"acme", "beta"})), tech("B", "Bob")),
              coverage=every_day("D"),
              rules=dict(continuity_weight=3, backup_use_weight=2,
                         fairness_weights={"weekend": 4, "night": 4}))
    from planner.domain import Request
    sc = sc.model_copy(update={"requests": (Request(technician="A", date=day(5), work=False),)})
    sc2 = with_busy(sc, busy(5, 9, 8, label="sat"), busy(6, 22, 8, night=True, label="sun N"))
    compiled = compile_scenario(sc2)
    assert len(compiled.busy) == 2
    result, report, p = solve_and_check(sc2)
    assert {a.shift for a in p.assignments} == {"D"} and {a.client for a in p.assignments} == {"acme"}
    assert not {(a.technician, a.date) for a in p.assignments} & {("A", day(5)), ("A", day(6))}
    assert report.penalties["requests"] == 0  # off request on a busy day: kept here
    assert report.penalties["backup_use"] == 2 * len(days_of(p, "A"))


def test_fixed_assignment_against_busy_time_is_refused():
    sc = alone()
    sc2 = with_busy(sc, busy(2, 9, 8, label="pilotage: D"))
    sc2 = sc2.model_copy(update={"fixed": (asg(sc2, "A", 2, "D"),)})
    with pytest.raises(CompileError, match="busy in another team: pilotage: D"):
        compile_scenario(sc2)


# --- the checker flags each violation, naming person, date and busy duty -------------

CHECKER_CASES = {
    "same day": ([busy(2, 19, 2, label="L1")], [2], {"one_shift_per_day": 1}),
    "overlap": ([busy(2, 9, 8, label="L2")], [2], {"one_shift_per_day": 1, "no_overlap": 1}),
    "rest after": ([busy(1, 22, 8, night=True, label="L3")], [2], {"min_rest": 1}),
    "rest before": ([busy(3, 1, 6, label="L4")], [2], {"min_rest": 1}),
}


@pytest.mark.parametrize("case", CHECKER_CASES)
def test_checker_flags_pairwise_rules(case):
    duties, own, expected = CHECKER_CASES[case]
    sc = with_busy(alone(), *duties)
    report = check(sc, plan(works(sc, "A", own)))
    assert rules_broken(report) == expected
    for v in report.violations:
        assert v.technician == "A" and v.date == day(own[0])
        assert duties[0].label in v.message and v.busy == duties[0].label and "Alice" in v.message


def test_checker_flags_counting_rules():
    sc = alone(contract=dict(max_hours_in_week=40, max_consecutive_days=3,
                             max_minutes_total=4 * 480),
               rules=dict(forbidden_successions=frozenset({("N", "D")})))
    sc = with_busy(sc, busy(2, 22, 8, night=True, label="pilotage: N"), busy(5, 9, 8, label="sat"))
    report = check(sc, plan(works(sc, "A", [0, 1, 3, 4, 6])))
    got = rules_broken(report)
    assert got == {"max_hours_per_week": 1, "contract_hours": 1, "max_consecutive_days": 1,
                   "min_rest": 1, "forbidden_successions": 1}, got
    by = {v.rule: v for v in report.violations}
    assert "sat" in by["max_hours_per_week"].busy and "busy in other teams" in by["max_hours_per_week"].message
    assert "pilotage: N" in by["forbidden_successions"].message and by["forbidden_successions"].date == day(3)
    assert "busy" in by["max_consecutive_days"].message


def test_checker_and_solver_count_busy_weekends():
    sc = make(technicians=(tech("A", "Alice"),), coverage=every_day("D"), days=14,
              contract=dict(max_weekends=1))
    sc = with_busy(sc, busy(5, 9, 8, label="first weekend"))
    report = check(sc, plan(works(sc, "A", [12])))
    assert rules_broken(report) == {"max_weekends": 1} and "Alice" in report.violations[0].message
    _, _, p = solve_and_check(sc)
    # the busy weekend is the one allowed: its Sunday may be worked, the next weekend not
    assert 6 in days_of(p) and not set(days_of(p)) & {5, 12, 13}


def test_checker_weekly_rest_with_busy_time():
    sc = alone(contract=dict(min_weekly_rest_hours=35), days=8)
    sc = with_busy(sc, busy(3, 9, 8, label="midweek"))
    # own D on days 0-2 and 4-7: the longest rest is 16 h all week (busy day 3 closes it)
    report = check(sc, plan(works(sc, "A", [0, 1, 2, 4, 5, 6, 7])))
    assert rules_broken(report) == {"weekly_rest": 1} and report.violations[0].busy == "midweek"
    assert rules_broken(check(sc, plan(works(sc, "A", [0, 1, 2, 4, 7])))) == {}
    without = sc.model_copy(update={"busy": ()})
    assert rules_broken(check(without, plan(works(sc, "A", [0, 1, 2, 4, 5, 6, 7])))) == {}
    _, _, p = solve_and_check(sc)
    assert 3 not in days_of(p)


def test_a_week_whose_rest_busy_time_alone_breaks_is_skipped_not_the_next():
    sc = alone(contract=dict(min_weekly_rest_hours=35), days=15)
    # busy 08-20 every day of the first week and the next Monday: no 35 h window starts
    # in the first week whatever this plan does
    sc = with_busy(sc, *(busy(i, 8, 12, label=f"busy {i}") for i in range(8)))
    assert rules_broken(check(sc, plan(works(sc, "A", [*range(8, 12), 14])))) == {}
    # the second week still holds: working the rest of it and the Monday after breaks it
    report = check(sc, plan(works(sc, "A", range(8, 15))))
    assert rules_broken(report) == {"weekly_rest": 1} and report.violations[0].date == day(7)
    _, _, p = solve_and_check(sc)
    assert not set(days_of(p)) & set(range(8))


def test_min_run_rules_do_not_apply_to_a_person_with_busy_time():
    sc = alone(contract=dict(min_consecutive_days=3), rules=dict(exempt_horizon_edges=False))
    assert "min_consecutive_days" in rules_broken(check(sc, plan(works(sc, "A", [2]))))
    sc2 = with_busy(sc, busy(4, 9, 8, label="x"))
    assert rules_broken(check(sc2, plan(works(sc2, "A", [2])))) == {}
    solve_and_check(sc2)


# --- scenario files -----------------------------------------------------------------

def test_busy_csv_round_trip(tmp_path: Path):
    sc = with_busy(alone(), busy(2, 22, 8, night=True, label="pilotage: N acme", paid_minutes=420),
                   busy(-1, 9, 8, label="before"))
    save_scenario(sc, tmp_path)
    text = (tmp_path / "busy.csv").read_text()
    assert text.splitlines()[0] == "technician,date,start,end,paid_minutes,night,label"
    assert load_scenario(tmp_path) == sc


def test_busy_csv_local_times_are_read_in_the_technicians_zone(tmp_path: Path):
    save_scenario(alone(), tmp_path)
    (tmp_path / "busy.csv").write_text(
        "technician,date,start,end,label\nA,2027-07-07,2027-07-07T09:00,2027-07-07T17:00,x\n")
    b = load_scenario(tmp_path).busy[0]
    assert b.start == at(2, 9) and b.end == at(2, 17) and b.paid_minutes is None


@pytest.mark.parametrize("body, line, column, words", [
    ("technician,date,start,end\nZ,2027-07-07,2027-07-07T09:00,2027-07-07T17:00\n",
     2, "technician", "unknown technician 'Z'"),
    ("technician,date,start,end\nA,2027-07-07,2027-07-07T09:00,2027-07-07T08:00\n",
     2, "end", "before it starts"),
    ("technician,date,start\nA,2027-07-07,2027-07-07T09:00\n", 1, None, "missing required column 'end'"),
    ("technician,date,start,end\nA,2027-07-07,noon,2027-07-07T17:00\n", 2, "start", "bad date-time"),
    ("technician,date,start,end\nA,2027-07-07,2027-07-20T09:00,2027-07-20T17:00\n", 2, "date",
     "not within a day of its date"),
    ("technician,date,start,end,paid_minutes\nA,2027-07-07,2027-07-07T09:00,2027-07-07T17:00,-5\n",
     2, "paid_minutes", "greater than or equal to 0"),
])
def test_busy_csv_bad_input(tmp_path: Path, body, line, column, words):
    save_scenario(alone(), tmp_path)
    (tmp_path / "busy.csv").write_text(body)
    with pytest.raises(ScenarioError) as e:
        load_scenario(tmp_path)
    msg = str(e.value)
    assert msg.startswith(f"busy.csv, line {line}") and words in msg
    if column:
        assert f"column '{column}'" in msg


def test_rota_solve_and_check_honour_busy_csv(tmp_path: Path):
    from planner.cli import app

    sc = with_busy(alone(days=3), busy(1, 9, 8, label="pilotage: D"))
    save_scenario(sc, tmp_path / "sc")
    runner = CliRunner()
    r = runner.invoke(app, ["solve", str(tmp_path / "sc"), "--out", str(tmp_path / "plan"),
                            "--time-limit", "5", "--workers", "1"])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "plan" / "assignments.csv").read_text()
    assert "2027-07-06" not in text and "2027-07-05" in text and "2027-07-07" in text
    # a hand-edited plan that puts Alice on her busy day: `rota check` exits 1 naming it
    rows = text.splitlines()
    rows.append(rows[1].replace("2027-07-05", "2027-07-06"))
    (tmp_path / "plan" / "assignments.csv").write_text("\n".join(rows) + "\n")
    r = runner.invoke(app, ["check", str(tmp_path / "sc"), str(tmp_path / "plan")])
    assert r.exit_code == 1 and "pilotage: D" in r.output


# --- day two ------------------------------------------------------------------------

def _two():
    """Alice and Bob on acme, D wanted every day; Alice busy elsewhere on day 2."""
    sc = make(technicians=(tech("A", "Alice"), tech("B", "Bob")), coverage=every_day("D"),
              days=5)
    return with_busy(sc, busy(2, 9, 8, label="pilotage: D acme"))


def test_explain_names_busy_in_another_team():
    from planner.explain import explain_gaps

    sc = _two()
    p = plan(works(sc, "B", [1]))  # day 2 short: Bob is free, Alice busy elsewhere
    gaps = {g.date: g for g in explain_gaps(sc, p)}
    alice = next(c for c in gaps[day(2)].candidates if c.technician == "A")
    assert alice.reason == "busy" and "pilotage: D acme" in alice.detail
    assert not any(f.kind == "relax_rule" and f.technician == "A" for f in gaps[day(2)].fixes)
    bob = next(c for c in gaps[day(2)].candidates if c.technician == "B")
    assert bob.reason == "available"


def test_swap_onto_a_busy_day_is_refused_with_the_busy_duty():
    from planner.swaps import DutyRef, evaluate_swap

    sc = _two()
    p = plan(works(sc, "B", [2]), works(sc, "A", [0]))
    r = evaluate_swap(sc, p, "B", DutyRef(date=day(2), shift="D", client="acme"), "A")
    assert not r.ok
    assert any(v.busy == "pilotage: D acme" and "pilotage: D acme" in v.message for v in r.violations)
    ok = evaluate_swap(sc, p, "A", DutyRef(date=day(0), shift="D", client="acme"), "B")
    assert ok.ok


def test_who_can_cover_and_robustness_leave_the_busy_person_out():
    from planner.cover import who_can_cover
    from planner.robustness import robustness

    sc = _two()
    p = plan(works(sc, "B", [2, 3]))
    assert who_can_cover(sc, p, "acme", day(2), "D", giver="B") == []
    options = who_can_cover(sc, p, "acme", day(3), "D", giver="B")
    assert [o.technician for o in options] == ["A"]
    assert options[0].week_hours == 16  # the duty, and 8 h busy in pilotage that week
    rob = {d.date: d for d in robustness(sc, p).days}
    assert rob[day(2)].single_points_of_failure == ("B",)  # Alice is busy elsewhere that day
    assert rob[day(3)].single_points_of_failure == ()


def test_replan_respects_busy_time_without_spending_the_change_budget():
    from planner.replan.run import replan
    from solver import SolveOptions

    sc = make(technicians=(tech("A", "Alice"), tech("B", "Bob")), coverage=every_day("D"), days=5)
    published = plan(works(sc, "A", [0, 2, 4]), works(sc, "B", [1, 3]))
    changed = with_busy(sc, busy(2, 9, 8, label="pilotage: D"), busy(4, 20, 2, label="late call"))
    now = dt.datetime(2027, 7, 4, 12, tzinfo=dt.timezone.utc)
    out = replan(changed, published, SolveOptions(time_limit=10, workers=1, seed=0), now=now,
                 frozen_hours=0, max_changes=4)
    p = out.outcome.plan
    assert out.outcome.report.hard_ok
    assert days_of(p, "A") == [0] and days_of(p, "B") == [1, 2, 3, 4]
    assert check(out.scenario, p).hard_ok


def test_changes_add_busy_duties_from_a_folder_and_from_data(tmp_path: Path):
    from planner.replan.changes import ChangeError, changes_from_dict, load_changes

    sc = alone()
    (tmp_path / "busy.csv").write_text("technician,date,start,end,night,label\n"
                                       "A,2027-07-07,2027-07-07T22:00,2027-07-08T06:00,true,N\n")
    changed, notes = load_changes(sc, tmp_path)
    assert changed.busy[0].start == at(2, 22) and changed.busy[0].night
    assert notes == ["busy.csv: added busy duty of A on 2027-07-07 (N)"]
    changed, _ = changes_from_dict(sc, {"busy": [{"technician": "A", "date": "2027-07-07",
                                                  "start": "2027-07-07T22:00:00+02:00",
                                                  "end": "2027-07-08T06:00:00+02:00"}]})
    assert changed.busy[0].end == at(3, 6)
    with pytest.raises(ChangeError, match="busy.0"):
        changes_from_dict(sc, {"busy": [{"technician": "A", "date": "2027-07-07",
                                         "start": "2027-07-07T22:00", "end": "2027-07-08T06:00"}]})


# --- property: random busy time, the solver's plan always passes the checker ---------

CONTRACTS = (
    {},
    dict(max_hours_in_week=32, max_consecutive_days=3, min_weekly_rest_hours=35, max_weekends=0),
    dict(min_hours_per_week=30, max_hours_per_week_avg=40, min_consecutive_days=2,
         min_consecutive_days_off=2),
    dict(min_minutes_total=2000, max_minutes_total=2400, max_consecutive_days=2),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from("ABK"), st.integers(-2, 8), st.integers(0, 23),
                          st.integers(1, 14), st.booleans()), max_size=8),
       st.sampled_from(CONTRACTS), st.booleans())
def test_random_busy_time_plans_pass_the_checker(raw, contract, history):
    """Random busy duties (overlapping, out of the horizon, nights, several a day) on
    contracts with caps, minimums, runs and weekly rest: the solver always finds a plan,
    the checker finds it valid and agrees on every penalty, and no own duty shares a date
    or an instant with a busy duty."""
    sc = make(technicians=(tech("A", "Alice"), tech("B", "Bob"),
                           tech("K", "Karim", roles=frozenset({Role.backup}),
                                clients=frozenset({"acme", "beta"}))),
              days=8, contract=contract,
              rules=dict(forbidden_successions=frozenset({("N", "E"), ("L", "E")}),
                         continuity_weight=1, backup_use_weight=2,
                         fairness_weights={"night": 4, "weekend": 4}))
    if history:
        sc = sc.model_copy(update={"history": (asg(sc, "A", day(-1), "N"), asg(sc, "B", day(-2), "D"))})
    duties = [busy(i, h, n, who=w, night=night, label=f"b{k}")
              for k, (w, i, h, n, night) in enumerate(raw)]
    sc2 = with_busy(sc, *duties)
    result, report, p = solve_and_check(sc2, time_limit=10, optimal=False)
    for a in p.assignments:
        for b in duties:
            if b.technician == a.technician:
                assert b.date != a.date and not (a.start < b.end and b.start < a.end)
