"""Shared helpers for the per-rule tests: a tiny scenario builder, plan builders,
and ``solve_and_check`` (solve with one worker, then let the checker judge)."""

from __future__ import annotations

import datetime as dt

from planner.calendar import wall_interval
from planner.check import CheckReport, check
from planner.demands import Derived
from planner.domain import (
    Assignment,
    Client,
    Contract,
    CoverageRule,
    Horizon,
    OnCallDuty,
    OnCallRole,
    OnCallRotation,
    Plan,
    RuleSettings,
    Scenario,
    ShiftType,
    Technician,
)

START = dt.date(2027, 7, 5)  # a Monday
T = dt.time

SHIFTS = (
    ShiftType(id="E", start=T(6), end=T(14)),
    ShiftType(id="D", start=T(9), end=T(17)),
    ShiftType(id="L", start=T(14), end=T(22)),
    ShiftType(id="N", start=T(22), end=T(6)),
)

# soft weights off, so that a test sees only the penalty it is about
QUIET = dict(
    tier_weights={1: 100, 2: 50, 3: 20},
    over_weight=0,
    fairness_weights={},
    continuity_weight=0,
    backup_use_weight=0,
    oncall_unfilled_weight=0,
)


def day(i: int) -> dt.date:
    """Date of horizon day ``i`` (day 0 = Monday 2027-07-05)."""
    return START + dt.timedelta(days=i)


def tech(tid: str, name: str = "", **kw) -> Technician:
    kw.setdefault("contract", "std")
    kw.setdefault("clients", frozenset({"acme"}))
    kw.setdefault("skills", frozenset({"linux"}))
    return Technician(id=tid, name=name or tid, **kw)


def every_day(*shifts: str, client: str = "acme", required: int = 1, skill: str = "") -> tuple:
    """One coverage rule per shift, every weekday."""
    return tuple(
        CoverageRule(client=client, shift=s, skill=skill, required=required,
                     weekdays=frozenset(range(7)))
        for s in shifts
    )


def make(
    *,
    days: int = 7,
    technicians: tuple[Technician, ...] | None = None,
    contracts: tuple[Contract, ...] | None = None,
    clients: tuple[Client, ...] | None = None,
    shift_types: tuple[ShiftType, ...] = SHIFTS,
    coverage: tuple[CoverageRule, ...] | None = None,
    rules: dict | None = None,
    start: dt.date = START,
    **scenario_fields,
) -> Scenario:
    """A tiny valid scenario: Alice and Bob on client acme (no public holidays),
    contract ``std`` without limits, every shift wanted once a day, quiet weights.

    ``contract=dict(...)`` sets fields of the ``std`` contract.
    """
    contract_fields = dict(max_consecutive_days=None, max_hours_in_week=None)
    contract_fields.update(scenario_fields.pop("contract", {}))
    return Scenario(
        name="tiny",
        horizon=Horizon(start=start, days=days),
        rules=RuleSettings(**{**QUIET, **(rules or {})}),
        contracts=contracts or (Contract(id="std", **contract_fields),),
        technicians=technicians or (tech("A", "Alice"), tech("B", "Bob")),
        clients=clients or (Client(id="acme", country=""), Client(id="beta", country="")),
        shift_types=shift_types,
        coverage=every_day(*(s.id for s in shift_types)) if coverage is None else coverage,
        **scenario_fields,
    )


def asg(sc: Scenario, who: str, i: int | dt.date, shift: str, client: str = "acme",
        skill: str = "") -> Assignment:
    """The assignment of ``who`` to a duty, with the duty's real interval."""
    d = day(i) if isinstance(i, int) else i
    st = sc.shift_type(shift)
    zone = next((c.timezone for c in sc.clients if c.id == client), "Europe/Brussels")
    start, end = wall_interval(d, st.start, st.duration_minutes, zone)
    return Assignment(technician=who, date=d, shift=shift, client=client, skill=skill,
                      start=start, end=end)


def works(sc: Scenario, who: str, days_: list[int] | range, shift: str = "D", **kw) -> list:
    return [asg(sc, who, i, shift, **kw) for i in days_]


def call(sc: Scenario, who: str, rotation: str, index: int, role: str = "primary") -> OnCallDuty:
    """``who`` on call in period ``index`` of ``rotation``."""
    p = next(p for p in Derived(sc).periods if p.rotation == rotation and p.index == index)
    return OnCallDuty(technician=who, rotation=rotation, role=OnCallRole(role),
                      start=p.start, end=p.end)


def plan(*items) -> Plan:
    """A plan from assignments, on-call duties, or lists of them."""
    flat = []
    for it in items:
        flat.extend(it if isinstance(it, (list, tuple)) else [it])
    return Plan(assignments=tuple(x for x in flat if isinstance(x, Assignment)),
                oncall=tuple(x for x in flat if isinstance(x, OnCallDuty)))


def rules_broken(report: CheckReport) -> dict[str, int]:
    """Rule name -> number of violations."""
    out: dict[str, int] = {}
    for v in report.violations:
        out[v.rule] = out.get(v.rule, 0) + 1
    return out


def assert_broken(sc: Scenario, p: Plan, expected: dict[str, int]) -> CheckReport:
    """Check ``p`` and assert exactly ``expected`` (rule -> count) is broken."""
    report = check(sc, p)
    got = rules_broken(report)
    assert got == expected, "\n".join(v.message for v in report.violations) or "no violation"
    return report


def solve_and_check(sc: Scenario, *, time_limit: float = 5.0, optimal: bool = True):
    """Compile, solve (one worker, seed 0), map back, check.

    Asserts the checker finds no hard violation and recomputes the solver's
    objective and every per-rule penalty. Returns ``(result, report, plan)``.
    """
    import planner.compile as compile_mod
    import solver
    from solver.result import SolveOptions

    compiled = compile_mod.compile_scenario(sc)
    result = solver.solve(compiled.problem, SolveOptions(time_limit=time_limit, workers=1, seed=0))
    assert result.status in ("optimal", "feasible"), f"solver status {result.status}"
    if optimal:
        assert result.status == "optimal"
    p = compile_mod.to_plan(compiled, result)
    report = check(sc, p)
    assert report.hard_ok, "\n".join(v.message for v in report.violations)
    names = set(report.penalties) | set(result.penalties)
    diff = {n: (report.penalties.get(n, 0), result.penalties.get(n, 0)) for n in names
            if report.penalties.get(n, 0) != result.penalties.get(n, 0)}
    assert not diff, f"checker vs solver penalties (checker, solver): {diff}"
    assert report.objective == result.objective
    if result.status == "optimal":
        # the solver's `objective` is its own recomputation of the plan; the bound is
        # the CP-SAT model's optimum: equal only if the model's penalty terms are right
        assert report.objective == round(result.best_bound), (
            f"checker objective {report.objective} but CP-SAT optimum {result.best_bound}")
    return result, report, p


def solve_status(sc: Scenario, *, time_limit: float = 5.0) -> str:
    """Solve and return the status only (for scenarios that must be infeasible)."""
    import planner.compile as compile_mod
    import solver
    from solver.result import SolveOptions

    compiled = compile_mod.compile_scenario(sc)
    return solver.solve(compiled.problem, SolveOptions(time_limit=time_limit, workers=1, seed=0)).status


def oncall_tech(tid: str, name: str = "", **kw) -> Technician:
    """A technician eligible for on-call duty."""
    return tech(tid, name, oncall=True, **kw)


def rotation(rid: str = "r1", **kw) -> OnCallRotation:
    """A weekly rotation for acme, handed over on Monday 08:00 (Brussels)."""
    kw.setdefault("clients", frozenset({"acme"}))
    return OnCallRotation(id=rid, **kw)
