"""Soft-rule penalties, gaps and fairness figures of a plan, recomputed in plain Python.

The CP-SAT objective of an intermediate solution may carry slack that is larger
than needed (a slack variable is only bounded from below); the plan's true penalty
is what docs/rules.md defines, so the result reports this recomputation. At an
optimum both agree, which the tests assert.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from solver.problem import Problem
from solver.result import FairnessFigure, Gap
from solver.rules import SOFT_RULES
from solver.rules.coverage import split_missing


@dataclass(frozen=True)
class Evaluation:
    """Penalties by soft rule (all names present) and the figures derived with them."""

    penalties: dict[str, int]
    gaps: tuple[Gap, ...]
    unfilled_oncall: tuple[tuple[str, str], ...]
    fairness: tuple[FairnessFigure, ...]

    @property
    def objective(self) -> int:
        return sum(self.penalties.values())


def evaluate(
    problem: Problem,
    assignments: tuple[tuple[str, str], ...],
    oncall: tuple[tuple[str, str, str], ...] = (),
) -> Evaluation:
    """Penalties of a plan given as (person, duty) and (person, period, role) tuples.

    Every soft rule of the catalogue must be computed here: a rule missing (or one
    unknown to the catalogue) raises ``KeyError`` naming it (``tests/test_registry.py``).
    """
    # the rules computed below, each set explicitly (no default for a forgotten rule)
    pen = dict.fromkeys(("coverage_shortfall", "peak_shortfall", "over_coverage",
                         "oncall_unfilled", "fairness", "requests", "continuity"), 0)
    duties = {d.id: d for d in problem.duties}
    people = {p.id: p for p in problem.people}
    weights = problem.rules.weights
    count = Counter(did for _, did in assignments)
    held: dict[tuple[str, int], list] = defaultdict(list)  # (person, day) -> duties
    for pid, did in assignments:
        if not duties[did].busy:  # busy time: no request, continuity or backup use
            held[(pid, duties[did].day)].append(duties[did])

    gaps = []
    for duty in problem.duties:
        dm = duty.demand
        n = count.get(duty.id, 0)
        base, peak = split_missing(duty, n)
        pen["coverage_shortfall"] += dm.under_weight * base
        pen["peak_shortfall"] += dm.peak_weight * peak
        pen["over_coverage"] += dm.over_weight * max(0, n - dm.required - dm.peak_required)
        if base + peak:
            want = dm.required + dm.peak_required
            gaps.append(Gap(duty=duty.id, required=want, assigned=n, shortfall=base + peak))

    roles = {(qid, role) for _, qid, role in oncall}
    unfilled = []
    for q in problem.oncall_periods:
        for role in ("primary", "backup") if q.needs_backup else ("primary",):
            if (q.id, role) not in roles:
                unfilled.append((q.id, role))
                pen["oncall_unfilled"] += q.unfilled_weight

    figures = []
    for tag, w in sorted(weights.fairness.items()):
        if w <= 0:
            continue
        eligible = {pid for d in problem.duties if tag in d.tags for pid in problem.eligible.get(d.id, ())}
        eligible |= {
            pid for q in problem.oncall_periods if tag in q.tags
            for pid in problem.oncall_eligible.get(q.id, ())
        }
        tagged = Counter(pid for pid, did in assignments if tag in duties[did].tags)
        periods = {q.id: q for q in problem.oncall_periods}
        tagged.update(pid for pid, qid, _ in oncall if tag in periods[qid].tags)
        groups: dict[str, dict[str, int]] = defaultdict(dict)
        for p in problem.people:
            if p.id in eligible:
                groups[p.fairness_group][p.id] = tagged.get(p.id, 0)
        for group, counts in sorted(groups.items()):
            if len(counts) < 2:
                continue
            spread = max(counts.values()) - min(counts.values())
            pen["fairness"] += w * spread
            figures.append(FairnessFigure(tag=tag, group=group, counts=counts, spread=spread))

    for r in problem.requests:
        match = [d for d in held.get((r.person, r.day), ()) if r.about(d)]
        if bool(match) != r.work:
            pen["requests"] += r.weight

    if weights.continuity:
        for (pid, day), ds in held.items():
            nxt = held.get((pid, day + 1))
            if nxt and {d.group for d in ds} != {d.group for d in nxt}:
                pen["continuity"] += weights.continuity

    pen["backup_use"] = weights.backup_use * sum(1 for pid, did in assignments
                                                 if people[pid].is_backup and not duties[did].busy)
    pen["plan_stability"] = stability_penalty(problem, assignments, oncall)
    return Evaluation(by_rule(pen), tuple(gaps), tuple(unfilled), tuple(figures))


def by_rule(pen: dict[str, int]) -> dict[str, int]:
    """``pen`` in catalogue order; ``KeyError`` if it misses a soft rule or has an unknown one."""
    missing = [n for n in SOFT_RULES if n not in pen]
    unknown = sorted(set(pen) - set(SOFT_RULES))
    if missing or unknown:
        raise KeyError(f"solver/evaluate.py: no penalty computed for {missing}, "
                       f"penalties of rules not in the catalogue: {unknown}")
    return {n: pen[n] for n in SOFT_RULES}


def stability_penalty(problem: Problem, assignments, oncall=()) -> int:
    """``plan_stability``: weights of the changes against the previous plan.

    Previous pairs the person is no longer eligible for are forced removals (free).
    """
    st = problem.stability
    if st is None:
        return 0
    eligible = {did: set(pids) for did, pids in problem.eligible.items()}
    oc_eligible = {qid: set(pids) for qid, pids in problem.oncall_eligible.items()}
    now = set(map(tuple, assignments))
    total = 0
    for pid, did in now - st.baseline:
        total += st.added_weight.get(pid, st.duty_weight.get(did, 0))
    for pid, did in st.baseline - now:
        if pid in eligible.get(did, ()):
            total += st.duty_weight.get(did, 0)
    calls = set(map(tuple, oncall))
    for pid, qid, _ in calls ^ st.oncall_baseline:
        if pid in oc_eligible.get(qid, ()):
            total += st.period_weight.get(qid, 0)
    return total
