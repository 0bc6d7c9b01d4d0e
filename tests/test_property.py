"""Property: on small generated scenarios, the solver's plan breaks no hard rule
and the independent checker recomputes the solver's objective, rule by rule.

Scenarios are built valid by construction and always feasible (no fixed
assignments and no minimum hours, so the empty plan satisfies every hard rule).
They mix what is prone to disagreement: time zones and DST weeks, public
holidays of two countries, part-day absences, history, peaks, on-call rotations
of odd lengths.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.calendar import wall_interval
from planner.check import check
from planner.compile import CompileError, compile_scenario, to_plan
from planner.domain import (
    Absence,
    Assignment,
    Client,
    Contract,
    CoverageRule,
    Horizon,
    OnCallRotation,
    Peak,
    Request,
    Role,
    RuleSettings,
    Scenario,
    ShiftType,
    Technician,
)
from solver import SolveOptions, solve

T = dt.time
SHIFTS = (
    ShiftType(id="E", start=T(6), end=T(14)),
    ShiftType(id="D", start=T(9), end=T(17, 30), paid_minutes=480),
    ShiftType(id="L", start=T(14), end=T(22)),
    ShiftType(id="N", start=T(22), end=T(6)),
)
# a plain July week, the week of 14 July (FR) and 21 July (BE), both DST changes
STARTS = (dt.date(2027, 7, 5), dt.date(2027, 7, 12), dt.date(2027, 7, 19),
          dt.date(2027, 10, 28), dt.date(2027, 3, 25))
COUNTRIES = ("", "FR", "BE")
ZONES = ("Europe/Brussels", "Europe/London")
SKILLS = ("linux", "windows")
opt = st.none().__or__


@st.composite
def contracts(draw, cid: str, shift_ids: list[str]) -> Contract:
    most = draw(opt(st.integers(2, 5)))
    return Contract(
        id=cid,
        max_hours_in_week=draw(opt(st.sampled_from([16, 24, 40, 48]))),
        max_hours_per_week_avg=draw(opt(st.sampled_from([20, 38]))),
        max_consecutive_days=most,
        # the domain refuses a minimum run above the maximum (no block could exist)
        min_consecutive_days=draw(opt(st.integers(2, min(3, most or 3)))),
        min_consecutive_days_off=draw(opt(st.integers(2, 3))),
        max_weekends=draw(opt(st.integers(0, 1))),
        shift_limits=draw(st.dictionaries(st.sampled_from(shift_ids), st.integers(0, 2), max_size=1)),
        works_public_holidays=draw(st.booleans()),
    )


@st.composite
def scenarios(draw) -> Scenario:
    start = draw(st.sampled_from(STARTS))
    days = draw(st.integers(3, 9))
    shift_types = tuple(s for s in SHIFTS if draw(st.booleans())) or (SHIFTS[1],)
    shift_ids = [s.id for s in shift_types]
    contract_list = (draw(contracts("c1", shift_ids)), draw(contracts("c2", shift_ids)))
    client_list = tuple(
        Client(id=cid, country=draw(st.sampled_from(COUNTRIES)), timezone=draw(st.sampled_from(ZONES)),
               tier=draw(st.integers(1, 3)), covers_public_holidays=draw(st.booleans()))
        for cid in ("acme", "beta")[: draw(st.integers(1, 2))]
    )
    client_ids = [c.id for c in client_list]
    techs = []
    for i in range(draw(st.integers(2, 5))):
        clients = frozenset(draw(st.lists(st.sampled_from(client_ids), min_size=1, unique=True)))
        backup = len(clients) >= 2 and draw(st.booleans())
        techs.append(Technician(
            id=f"t{i}", name=f"Tech {i}", contract=draw(st.sampled_from(["c1", "c2"])),
            country=draw(st.sampled_from(COUNTRIES)), clients=clients,
            skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), unique=True))),
            roles=frozenset({Role.backup}) if backup else frozenset(), oncall=draw(st.booleans()),
            timezone=draw(st.sampled_from(ZONES))))
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    coverage = tuple(
        CoverageRule(client=draw(st.sampled_from(client_ids)), shift=draw(st.sampled_from(shift_ids)),
                     skill=draw(st.sampled_from(("",) + SKILLS)), required=draw(st.integers(0, 2)),
                     weekdays=draw(opt(st.frozensets(st.integers(0, 6), min_size=1))),
                     date=draw(opt(st.sampled_from(dates))))
        for _ in range(draw(st.integers(1, 4)))
    )
    absences = []
    for _ in range(draw(st.integers(0, 3))):
        who = draw(st.sampled_from(techs)).id
        a = draw(st.sampled_from(dates))
        b = a + dt.timedelta(days=draw(st.integers(0, 2)))
        if draw(st.booleans()):
            absences.append(Absence(technician=who, start=a, end=b))
        else:
            absences.append(Absence(technician=who, start=a, end=b, start_time=T(draw(st.integers(0, 11))),
                                    end_time=T(draw(st.integers(12, 23)))))
    rotations = tuple(
        OnCallRotation(id=f"r{i}", clients=frozenset(draw(st.lists(st.sampled_from(client_ids), min_size=1,
                                                                   unique=True))),
                       handover_weekday=draw(st.integers(0, 6)), handover_time=T(draw(st.integers(0, 23))),
                       period_days=draw(st.sampled_from([7, 3, 2])), backup=draw(st.booleans()),
                       skill=draw(st.sampled_from(("",) + SKILLS)))
        for i in range(draw(st.integers(0, 2)))
    )
    peaks = tuple(
        Peak(client=draw(st.sampled_from(client_ids)), start=dates[0], end=draw(st.sampled_from(dates)),
             extra=draw(st.integers(1, 2)), shift=draw(st.sampled_from(("",) + tuple(shift_ids))))
        for _ in range(draw(st.integers(0, 1)))
    )
    requests = tuple(
        Request(technician=draw(st.sampled_from(techs)).id, date=draw(st.sampled_from(dates)),
                shift=draw(st.sampled_from(("",) + tuple(shift_ids))), work=draw(st.booleans()),
                weight=draw(st.integers(0, 30)))
        for _ in range(draw(st.integers(0, 3)))
    )
    history = []
    for _ in range(draw(st.integers(0, 3))):
        who = draw(st.sampled_from(techs))
        d = start - dt.timedelta(days=draw(st.integers(1, 3)))
        s = draw(st.sampled_from(shift_types))
        c = draw(st.sampled_from(sorted(who.clients)))
        zone = next(x.timezone for x in client_list if x.id == c)
        b, e = wall_interval(d, s.start, s.duration_minutes, zone)
        history.append(Assignment(technician=who.id, date=d, shift=s.id, client=c, start=b, end=e))
    rules = RuleSettings(
        min_rest_hours=draw(st.sampled_from([0, 11, 12.5])),
        forbidden_successions=frozenset(
            p for p in [("L", "E"), ("N", "D")] if set(p) <= set(shift_ids) and draw(st.booleans())),
        oncall_min_gap=draw(st.integers(0, 2)),
        exempt_horizon_edges=draw(st.booleans()),
        over_weight=draw(st.integers(0, 3)),
        peak_weight_factor=draw(st.sampled_from([0.5, 2.0])),
        oncall_unfilled_weight=draw(st.integers(0, 60)),
        fairness_weights=draw(st.fixed_dictionaries(
            {"night": st.integers(0, 4), "weekend": st.integers(0, 4), "holiday": st.integers(0, 4),
             "oncall": st.integers(0, 6)})),
        continuity_weight=draw(st.integers(0, 3)),
        backup_use_weight=draw(st.integers(0, 3)),
    )
    return Scenario(
        name="generated", horizon=Horizon(start=start, days=days), rules=rules,
        contracts=contract_list, technicians=tuple(techs), clients=client_list, shift_types=shift_types,
        coverage=coverage, rotations=rotations, absences=tuple(absences), peaks=peaks,
        requests=requests, history=tuple(history),
    )


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_solver_plan_passes_the_checker(sc):
    compiled = compile_scenario(sc)
    result = solve(compiled.problem, SolveOptions(time_limit=3, workers=1, seed=0))
    assert result.status in ("optimal", "feasible"), result.status
    report = check(sc, to_plan(compiled, result))
    assert report.hard_ok, "\n".join(v.message for v in report.violations)
    names = set(report.penalties) | set(result.penalties)
    diff = {n: (report.penalties.get(n, 0), result.penalties.get(n, 0)) for n in names
            if report.penalties.get(n, 0) != result.penalties.get(n, 0)}
    assert not diff, f"penalties differ (checker, solver): {diff}"
    assert report.objective == result.objective
    if result.status == "optimal":
        # `objective` is the solver's Python recomputation; the bound is the CP-SAT model's
        assert report.objective == round(result.best_bound), (report.objective, result.best_bound)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios(), st.randoms(use_true_random=False))
def test_checker_verdict_matches_solver_feasibility(sc, rnd):
    """Mutate a solver plan (drop some duties, add up to three arbitrary ones), then fix
    it: the solver finds it feasible exactly when the checker finds no hard violation.

    Minimum-run rules are switched off: they are not monotone (adding a duty can
    repair a short run), so a fixed partial plan could be completed into a valid one.
    """
    contracts_ = tuple(c.model_copy(update={"min_consecutive_days": None, "min_consecutive_days_off": None})
                       for c in sc.contracts)
    sc = sc.model_copy(update={"contracts": contracts_})
    compiled = compile_scenario(sc)
    plan = to_plan(compiled, solve(compiled.problem, SolveOptions(time_limit=3, workers=1, seed=0)))
    rows = list(compiled.duties.values())
    extra = []
    for _ in range(rnd.randint(1, 3) if rows else 0):
        r, t = rnd.choice(rows), rnd.choice(sc.technicians)
        extra.append(Assignment(technician=t.id, date=r.date, shift=r.shift, client=r.client,
                                skill=r.skill, start=r.start, end=r.end))
    kept = [a for a in plan.assignments if rnd.random() < 0.7]
    mutated = tuple(dict.fromkeys(kept + extra))
    report = check(sc, type(plan)(assignments=mutated))
    fixed = sc.model_copy(update={"fixed": mutated})
    try:
        problem = compile_scenario(fixed).problem
    except CompileError:
        # a fixed pair that is not eligible is refused before the solve, with its reason:
        # the checker must find a hard violation in that plan too
        assert not report.hard_ok
        return
    status = solve(problem, SolveOptions(time_limit=5, workers=1, seed=0)).status
    assert status in ("optimal", "feasible", "infeasible"), status
    assert (status != "infeasible") == report.hard_ok, (
        status, [v.message for v in report.violations])
