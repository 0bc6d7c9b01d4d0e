"""Re-plan rules: ``plan_stability`` (soft) and ``replan_limits`` (hard).

Both read :attr:`solver.problem.Problem.stability`; without it they add nothing. A
*change* is a (person, duty) or (person, period, role) variable whose value differs
from the previous plan. Previous pairs without a variable (the person is no longer
eligible, the duty is gone) are forced removals: no choice, no cost, no budget.
"""

from __future__ import annotations

from ortools.sat.python.cp_model import LinearExpr

from solver.model import LinearTerm, Lit, ModelBuilder


def change_terms(m: ModelBuilder) -> list[tuple[int, Lit, bool, bool]]:
    """``(weight, variable, in_baseline, frozen)`` for every duty and on-call variable;
    ``frozen`` also when the variable lies outside :attr:`Stability.free_cells`."""
    st = m.problem.stability
    if st is None:
        return []
    if "stability_terms" in m.cache:
        return m.cache["stability_terms"]  # type: ignore[return-value]
    out = []
    free = st.free_cells
    day = {d.id: d.day for d in m.problem.duties}
    for (pid, did), var in m.x.items():
        was = (pid, did) in st.baseline
        w = st.duty_weight.get(did, 0) if was else st.added_weight.get(pid, st.duty_weight.get(did, 0))
        held = did in st.frozen_duties or (free is not None and (pid, day[did]) not in free)
        out.append((w, var, was, held))
    periods = {q.id: q for q in m.problem.oncall_periods}
    for (pid, qid, role), var in m.y.items():
        was = (pid, qid, role) in st.oncall_baseline
        q = periods[qid]
        held = qid in st.frozen_periods or (free is not None and not any(
            (pid, d) in free for d in range(q.first_day, q.last_day + 1)))
        out.append((st.period_weight.get(qid, 0), var, was, held))
    m.cache["stability_terms"] = out
    return out


def plan_stability(m: ModelBuilder) -> list[LinearTerm]:
    """``plan_stability``: the weight of every change against the previous plan."""
    terms: list[LinearTerm] = []
    kept, added = [], []
    kept_w, added_w = [], []
    constant = 0
    for w, var, was, _ in change_terms(m):
        if w <= 0:
            continue
        if was:  # removing costs w: w * (1 - var)
            constant += w
            kept.append(var)
            kept_w.append(w)
        else:
            added.append(var)
            added_w.append(w)
    if added:
        terms.append((1, LinearExpr.weighted_sum(added, added_w)))
    if kept:
        terms.append((1, constant - LinearExpr.weighted_sum(kept, kept_w)))
    return terms


def replan_limits(m: ModelBuilder) -> list[LinearTerm]:
    """``replan_limits``: frozen duties and periods keep their people; at most ``max_changes``.

    Variables outside :attr:`solver.problem.Stability.free_cells` keep their baseline
    value too (a search restriction the re-plan widens when it does not suffice)."""
    st = m.problem.stability
    if st is None:
        return []
    changes = []
    for _, var, was, frozen in change_terms(m):
        if frozen:
            m.model.add(var == int(was))
        elif st.max_changes is not None:
            changes.append(1 - var if was else var)
    if st.max_changes is not None and changes:
        m.model.add(LinearExpr.sum(changes) <= st.max_changes)
    return []
