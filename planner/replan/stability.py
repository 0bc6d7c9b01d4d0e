"""Compile a scenario's baseline into the engine's :class:`solver.problem.Stability`.

The weights and the frozen window follow docs/rules.md ("Re-plans") exactly as the
checker (:mod:`planner.check.stability`) reads them, so that the solver's
``plan_stability`` penalty equals the checker's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from planner.calendar import UTC
from planner.compile import Compiled, duty_id
from planner.domain import Baseline
from solver.problem import Stability


def baseline_pairs(compiled: Compiled, baseline: Baseline):
    """(person, duty) and (person, period, role) of the baseline that match a duty/period."""
    rows = compiled.duties
    pairs = []
    for a in baseline.plan.assignments:
        did = duty_id(a.client, a.date, a.shift, a.skill)
        if did in rows:
            pairs.append((a.technician, did))
    by_start = {(p.rotation, p.start.astimezone(UTC)): pid for pid, p in compiled.periods.items()}
    calls = []
    for o in baseline.plan.oncall:
        pid = by_start.get((o.rotation, o.start.astimezone(UTC)))
        if pid is not None:
            calls.append((o.technician, pid, o.role.value))
    return pairs, calls


def with_stability(compiled: Compiled) -> Compiled:
    """``compiled`` with the baseline's stability data and the baseline as hint."""
    b = compiled.scenario.baseline
    if b is None:
        return compiled
    problem = compiled.problem
    frozen_end = b.now + dt.timedelta(hours=b.frozen_hours)
    near = b.now + dt.timedelta(days=b.near_days)

    def weight(start: dt.datetime) -> int:
        return b.near_change_weight if start < near else b.change_weight

    pairs, calls = baseline_pairs(compiled, b)
    if not problem.hint:
        from planner.replan.prefill import prefill

        start = prefill(compiled.scenario)
        hint_pairs, _ = baseline_pairs(compiled, b.model_copy(update={"plan": start}))
        problem = replace(problem, hint=tuple(hint_pairs))
    eligible = {did: set(p) for did, p in problem.eligible.items()}
    oc_eligible = {qid: set(p) for qid, p in problem.oncall_eligible.items()}
    # busy time: fixed, in no plan; as baseline pairs (no weight) it is no change
    busy_pairs = [(p, d) for d in compiled.busy for p in problem.eligible.get(d, ())]
    stability = Stability(
        baseline=frozenset(pairs) | frozenset(busy_pairs),
        oncall_baseline=frozenset(calls),
        duty_weight={did: weight(r.start) for did, r in compiled.duties.items()},
        period_weight={qid: weight(p.start) for qid, p in compiled.periods.items()},
        added_weight={p.id: b.backup_change_weight for p in compiled.scenario.technicians
                      if p.is_backup},
        frozen_duties=frozenset(did for did, r in compiled.duties.items() if r.start < frozen_end),
        frozen_periods=frozenset(q for q, p in compiled.periods.items() if p.start < frozen_end),
        max_changes=b.max_changes,
    )
    hint = tuple((p, d) for p, d in pairs if p in eligible.get(d, ()))
    oncall_hint = tuple((p, q, r) for p, q, r in calls if p in oc_eligible.get(q, ()))
    if problem.hint:  # the caller's warm start (e.g. the baseline with its gaps pre-filled)
        hint, oncall_hint = problem.hint, problem.oncall_hint or oncall_hint
    return replace(compiled, problem=replace(problem, stability=stability, hint=hint,
                                             oncall_hint=oncall_hint))
