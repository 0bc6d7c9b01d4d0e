"""The neighbourhood a re-plan searches first, and whether its answer is good enough.

A re-plan's changes are local: an absence removes a few duties, and the people who can
take them over are those eligible for them (and the backups), on days around them. The
staged re-plan (:mod:`planner.replan.staged`) therefore solves first with every other
(person, day) cell held at the published plan (:attr:`solver.problem.Stability.free_cells`):
a model of a few dozen people over a few weeks' days that CP-SAT solves to optimality in
a fraction of a second, where the whole model of a 200-person month often cannot prove
its optimum within the limit and waits its patience on gaps nobody can fill.

The rings, widened only while the coverage the published plan had is not restored
(:func:`restored`):

0. the people eligible for an affected duty or on-call period, the backups and whoever
   the warm start already added, on the days from ``PAD_DAYS`` before the first affected
   day to ``PAD_DAYS`` after the last;
1. also whoever is eligible for a duty ring 0's people hold on those days (chains of two
   moves: someone takes the gap, someone else takes over their duty);
2. everything (no restriction: the whole model).

An *affected* duty lost a person the published plan gave it (a forced removal: absence,
departure, lost training) or is short of people in the warm start; frozen duties are
never affected (nobody may change them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from solver import SolveResult
from solver.problem import Problem

PAD_DAYS = 7
"""Days either side of the affected days a ring frees: a week of the rules that count
per week (weekly hours, runs of days, rest) around the change."""

RINGS = 3
"""Ring 2 is the whole model."""


def _need(duty) -> int:
    return duty.demand.required + duty.demand.peak_required


def affected(problem: Problem) -> tuple[set[str], set[str]]:
    """(duty ids, period ids) a re-plan must repair, outside the frozen window."""
    st = problem.stability
    eligible = {did: set(p) for did, p in problem.eligible.items()}
    oc_eligible = {qid: set(p) for qid, p in problem.oncall_eligible.items()}
    duties = {did for pid, did in st.baseline if pid not in eligible.get(did, ())}
    held = Counter(did for _, did in problem.hint)
    duties |= {d.id for d in problem.duties if held[d.id] < _need(d)}
    duties -= st.frozen_duties
    periods = {qid for pid, qid, _ in st.oncall_baseline if pid not in oc_eligible.get(qid, ())}
    roles = {(qid, role) for _, qid, role in problem.oncall_hint}
    periods |= {q.id for q in problem.oncall_periods
                if (q.id, "primary") not in roles or (q.needs_backup and (q.id, "backup") not in roles)}
    periods -= st.frozen_periods
    return duties, periods


def free_cells(problem: Problem, ring: int) -> frozenset[tuple[str, int]] | None:
    """The (person, day) cells ring ``ring`` frees; None: the whole model (ring 2, or
    nothing affected: then the change is not local, e.g. a rule that changed)."""
    if ring >= RINGS - 1 or problem.stability is None:
        return None
    duties, periods = affected(problem)
    if not duties and not periods:
        return None
    by_id = {d.id: d for d in problem.duties}
    qs = {q.id: q for q in problem.oncall_periods}
    days = {by_id[did].day for did in duties}
    for qid in periods:
        days.update(range(qs[qid].first_day, qs[qid].last_day + 1))
    first = max(0, min(days) - PAD_DAYS)
    last = min(problem.num_days - 1, max(days) + PAD_DAYS)
    people = {pid for did in duties for pid in problem.eligible.get(did, ())}
    people |= {pid for qid in periods for pid in problem.oncall_eligible.get(qid, ())}
    people |= {p.id for p in problem.people if p.is_backup}
    if ring == 1:
        # chains of two: whoever can take over a duty ring 0's people hold on those days
        held = {did for pid, did in problem.hint
                if pid in people and first <= by_id[did].day <= last}
        people |= {pid for did in held for pid in problem.eligible.get(did, ())}
    cells = {(pid, d) for pid in people for d in range(first, last + 1)}
    # whatever the warm start added (it is the search's first plan) stays free
    st = problem.stability
    cells |= {(pid, by_id[did].day) for pid, did in problem.hint if (pid, did) not in st.baseline}
    return frozenset(cells)


def restricted(problem: Problem, cells: frozenset[tuple[str, int]] | None) -> Problem:
    """``problem`` searching only ``cells`` (None: unchanged).

    Every variable outside ``cells`` keeps its baseline value
    (:attr:`solver.problem.Stability.free_cells`). To keep the model small, a pair outside
    ``cells`` gets no variable at all unless the warm start holds it (fixed to 1 then) or
    it is the one pair that keeps its person in a fairness group (the groups count the
    people eligible for a tagged duty: the objective stays the whole problem's)."""
    if cells is None:
        return problem
    hint = set(problem.hint)
    day = {d.id: d.day for d in problem.duties}
    keep = {did: {p for p in people if (p, day[did]) in cells or (p, did) in hint}
            for did, people in problem.eligible.items()}
    tags = {t for t, w in problem.rules.weights.fairness.items() if w > 0}
    has = {(p, t) for d in problem.duties for p in keep.get(d.id, ()) for t in d.tags & tags}
    for d in problem.duties:
        for t in d.tags & tags:
            for p in problem.eligible.get(d.id, ()):
                if (p, t) not in has:  # one variable (held at 0) keeps p in the group
                    has.add((p, t))
                    keep[d.id].add(p)
    eligible = {did: tuple(p for p in people if p in keep[did])
                for did, people in problem.eligible.items()}
    return replace(problem, eligible=eligible,
                   stability=replace(problem.stability, free_cells=cells))



def restored(problem: Problem, result: SolveResult) -> bool:
    """True when ``result`` leaves no duty of ``problem`` (the whole, unrestricted problem)
    with fewer people than the published plan gave it (up to its demand) and no on-call
    role unfilled that the published plan filled."""
    st = problem.stability
    before = Counter(did for _, did in st.baseline)
    after = Counter(did for _, did in result.assignments)
    for d in problem.duties:
        if d.id in st.frozen_duties:
            continue
        # nobody can fill a place no eligible person is left for (no wider search helps)
        if after[d.id] < min(before[d.id], _need(d), len(problem.eligible.get(d.id, ()))):
            return False
    had = {(qid, role) for _, qid, role in st.oncall_baseline}
    has = {(qid, role) for _, qid, role in result.oncall}
    return not any(qid not in st.frozen_periods for qid, role in had - has)
