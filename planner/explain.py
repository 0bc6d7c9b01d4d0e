"""Why is a duty short? Every coverage gap of a plan, explained person by person.

For each gap: the technicians skilled for it (trained on the client or not) and, for
each, what kept them out, found by trying the assignment and asking the independent
checker which hard rule breaks (:mod:`planner.trial`); then the smallest fixes (let
one person break one rule once, train one person on the client, add one external
contractor), each with its cost: the objective delta of the plan with the gap filled
that way, recomputed by the checker (negative: the fix pays for itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

from planner.check import check
from planner.demands import Derived
from planner.domain import Contract, Scenario, Technician, Plan
from planner.rules import CONTRACT_PARAMS
from planner.trial import BUSY_REASON, REASONS, assignment_for, eligibility_reason, trial

CONTRACTOR = "EXTERNAL"
RELAXABLE = {"min_rest", "max_hours_per_week", "contract_hours", "max_consecutive_days",
             "min_consecutive_days", "min_consecutive_days_off", "max_weekends",
             "shift_type_limits", "forbidden_successions"} | set(CONTRACT_PARAMS)
"""Rules a manager may waive once for one person (an absence or a second duty is never)."""


@dataclass(frozen=True)
class Candidate:
    technician: str
    name: str
    reason: str
    """``available`` (nothing breaks: the solver spent them elsewhere), ``absent``,
    ``public_holiday``, ``not_trained``, ``not_skilled``, ``shift_not_allowed``, or the
    code of the hard rule that breaks (``rest``, ``weekly_hours``, ``contract_hours``,
    ``consecutive_days``, ``already_on_duty``, ``weekends``, ``shift_type_limit``,
    ``succession``, ``oncall_limit``, ``frozen``), or ``busy`` (busy in another team: the
    rule breaks against a duty the person holds in another team's published plan; the
    detail names the rule and that duty)."""
    detail: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fix:
    kind: str
    """``assign`` (a free technician), ``relax_rule``, ``train``, ``contractor``."""
    technician: str
    description: str
    cost: int
    rule: str = ""


@dataclass(frozen=True)
class GapExplanation:
    client: str
    date: dt.date
    shift: str
    skill: str
    required: int
    assigned: int
    shortfall: int
    candidates: tuple[Candidate, ...]
    fixes: tuple[Fix, ...]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        for c in d["candidates"]:
            c.pop("rules")
        return d


def explain_gaps(scenario: Scenario, plan: Plan, *, contractor_cost: int = 100,
                 max_fixes: int = 5, include_untrained: bool = True) -> list[GapExplanation]:
    """Explain every coverage shortfall of ``plan`` (see the module docstring).

    ``contractor_cost`` is what one external contractor's duty costs in objective units.
    """
    return explain_report(scenario, plan, contractor_cost=contractor_cost, max_fixes=max_fixes,
                          include_untrained=include_untrained).gaps


@dataclass(frozen=True)
class ExplainReport:
    gaps: list[GapExplanation]
    """The gaps explained (the first ``limit`` of those kept, by date)."""
    total: int
    """Gaps kept (explained or not)."""


def explain_report(scenario: Scenario, plan: Plan, *, contractor_cost: int = 100,
                   max_fixes: int = 5, include_untrained: bool = True,
                   keep: Callable[[object], bool] | None = None,
                   limit: int | None = None) -> ExplainReport:
    """:func:`explain_gaps` for the gaps ``keep(coverage_row)`` accepts (all by default),
    explaining at most ``limit`` of them (a bounded answer inside a request)."""
    derived = Derived(scenario)
    report = check(scenario, plan, derived)
    base = report.objective
    rows = {r.key: r for r in derived.demands}
    held = {}
    for a in plan.assignments:
        held.setdefault((a.client, a.date, a.shift, a.skill), set()).add(a.technician)
    out = []
    total = 0
    for cov in sorted(report.coverage, key=lambda c: (c.date, c.client, c.shift, c.skill)):
        if cov.shortfall <= 0 or (keep is not None and not keep(cov)):
            continue
        total += 1
        if limit is not None and len(out) >= limit:
            continue
        row = rows[(cov.client, cov.date, cov.shift, cov.skill)]
        candidates, fixes = [], []
        for tech in sorted(scenario.technicians, key=lambda t: t.id):
            if tech.id in held.get(row.key, ()):
                continue
            skilled = not row.skill or row.skill in tech.skills
            trained = row.client in tech.clients
            if not skilled or (not trained and not include_untrained):
                continue
            c, f = _candidate(scenario, plan, derived, tech, row, base)
            candidates.append(c)
            fixes.extend(f)
        fixes.append(_contractor(scenario, plan, row, base, contractor_cost))
        fixes.sort(key=lambda f: (f.cost, f.kind, f.technician))
        order = {"available": 0}
        candidates.sort(key=lambda c: (order.get(c.reason, 1), c.reason, c.technician))
        out.append(GapExplanation(cov.client, cov.date, cov.shift, cov.skill, cov.required,
                                  cov.assigned, cov.shortfall, tuple(candidates),
                                  tuple(fixes[:max_fixes])))
    return ExplainReport(out, total)


def _candidate(scenario, plan, derived, tech: Technician, row, base):
    name = tech.name or tech.id
    fixes = []
    elig = eligibility_reason(derived, tech, row)
    if elig is not None and elig[0] == "not_trained":
        trained = _trained(scenario, tech.id, row.client)
        t = trial(trained, plan, add=[assignment_for(row, tech.id)], objective=True,
                  base_objective=base)
        if t.ok:
            fixes.append(Fix("train", tech.id, f"train {name} on {row.client}", t.delta))
        return Candidate(tech.id, name, elig[0], elig[1], ("eligibility",)), fixes
    if elig is not None:
        return Candidate(tech.id, name, elig[0], elig[1], ("eligibility",)), fixes
    add = [assignment_for(row, tech.id)]
    t = trial(scenario, plan, add=add, derived=derived)
    if t.ok:
        t = trial(scenario, plan, add=add, derived=derived, objective=True, base_objective=base)
        fixes.append(Fix("assign", tech.id, f"assign {name} (breaks no hard rule)", t.delta))
        return Candidate(tech.id, name, "available",
                         f"breaks no hard rule; objective {t.delta:+d} if assigned"), fixes
    busy = [v for v in t.violations if v.busy]
    first = busy[0] if busy else t.violations[0]
    reason = BUSY_REASON if busy else REASONS.get(first.rule, first.rule)
    rules = t.rules
    # another team's published duty is not this team's to waive a rule against
    if len(rules) == 1 and rules[0] in RELAXABLE and not busy:
        full = trial(scenario, plan, add=add, derived=derived, objective=True, base_objective=base)
        fixes.append(Fix("relax_rule", tech.id, f"let {name} break {rules[0]} once: "
                         f"{first.message}", full.delta, rules[0]))
    detail = "; ".join(v.message for v in (*busy, *(v for v in t.violations if not v.busy))[:3])
    return Candidate(tech.id, name, reason, detail, rules), fixes


def _trained(scenario: Scenario, tid: str, client: str) -> Scenario:
    techs = tuple(t.model_copy(update={"clients": t.clients | {client}}) if t.id == tid else t
                  for t in scenario.technicians)
    return scenario.model_copy(update={"technicians": techs})


def _contractor(scenario: Scenario, plan: Plan, row, base: int, cost: int) -> Fix:
    contract = Contract(id=f"{CONTRACTOR}-contract", max_hours_in_week=None,
                        max_consecutive_days=None, works_public_holidays=True)
    ext = Technician(id=CONTRACTOR, name="external contractor", contract=contract.id,
                     skills=frozenset({row.skill} - {""}), clients=frozenset({row.client}))
    sc = scenario.model_copy(update={"technicians": scenario.technicians + (ext,),
                                     "contracts": scenario.contracts + (contract,)})
    t = trial(sc, plan, add=[assignment_for(row, CONTRACTOR)], objective=True,
              base_objective=base)
    return Fix("contractor", CONTRACTOR,
               f"add one external contractor on {row.client} {row.date} {row.shift}",
               t.delta + cost)


CONTRACT_RULES = {"max_hours_per_week": "max_hours_in_week",
                  "max_consecutive_days": "max_consecutive_days",
                  "min_consecutive_days": "min_consecutive_days",
                  "min_consecutive_days_off": "min_consecutive_days_off",
                  "max_weekends": "max_weekends", **CONTRACT_PARAMS}
"""Rules a re-plan can relax for one person: their contract's field set to no limit."""


def fixed_scenario(scenario: Scenario, fix: Fix, row) -> Scenario | None:
    """``scenario`` with ``fix`` applied (None when the solver cannot apply it alone)."""
    if fix.kind == "train":
        return _trained(scenario, fix.technician, row.client)
    if fix.kind == "relax_rule" and fix.rule in CONTRACT_RULES:
        tech = next(t for t in scenario.technicians if t.id == fix.technician)
        base = next(c for c in scenario.contracts if c.id == tech.contract)
        relaxed = base.model_copy(update={"id": f"{base.id}~{tech.id}",
                                          CONTRACT_RULES[fix.rule]: None})
        techs = tuple(t.model_copy(update={"contract": relaxed.id}) if t.id == tech.id else t
                      for t in scenario.technicians)
        return scenario.model_copy(update={"technicians": techs,
                                           "contracts": scenario.contracts + (relaxed,)})
    return None


def solver_fixes(scenario: Scenario, plan: Plan, gap: GapExplanation, seconds: float = 5.0,
                 top: int = 3) -> tuple[Fix, ...]:
    """The gap's best ``top`` train / relax fixes, each re-planned by the solver.

    The plan is re-planned with the fix applied (the plan as baseline, nothing frozen, so
    moving others costs their changes); the cost is the re-plan's objective minus the
    plan's, which may be lower than the direct assignment's when others move too.
    """
    from planner.replan.run import replan
    from solver import SolveOptions

    derived = Derived(scenario)
    row = next(r for r in derived.demands
               if r.key == (gap.client, gap.date, gap.shift, gap.skill))
    base = check(scenario, plan, derived).objective
    now = dt.datetime.combine(scenario.horizon.start, dt.time(0), tzinfo=dt.timezone.utc)
    out = []
    for fix in [f for f in gap.fixes if f.kind in ("train", "relax_rule")][:top]:
        sc = fixed_scenario(scenario, fix, row)
        if sc is None:
            continue
        r = replan(sc, plan, SolveOptions(time_limit=seconds, workers=1, seed=0), now=now,
                   frozen_hours=0)
        if not r.outcome.report.hard_ok:
            continue
        short = next(c.shortfall for c in r.outcome.report.coverage
                     if (c.client, c.date, c.shift, c.skill) == row.key)
        out.append(Fix(fix.kind, fix.technician,
                       f"{fix.description.split(':')[0]}, re-planned: {r.chosen} changes, "
                       f"gap {'closed' if short < gap.shortfall else 'still open'}",
                       r.outcome.report.objective - base, fix.rule))
    return tuple(sorted(out, key=lambda f: (f.cost, f.kind, f.technician)))
