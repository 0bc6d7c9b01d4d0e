"""A fast constructive plan used as a warm start (hint) when no previous plan is given.

Pass 1 goes day by day, the dearest duties first; each duty takes the eligible people
who can hold it without breaking a hard rule on the days planned so far (the
future is open, so a run may still be extended), those whose requests it keeps (where
the objective has terms across people) and those with the fewest duties of its fairness
categories first. Pass 2 tops up people below their
minimum horizon minutes, then still-uncovered duties, inserting a duty only where
every hard rule holds on both sides. Pass 3 grows work runs left below their
minimum length, or drops them. On-call periods take the least-loaded eligible
people, respecting gaps and overlaps. The plan is only a hint: CP-SAT repairs
whatever it still gets wrong (e.g. minimum minutes after a dropped run).

Measured (generated 400 technicians x 4 weeks, 2 workers, 40 s, loaded machine):
first plan 190 654 -> 3 029, plan at 40 s 10 390 -> 2 961 (bound ~2 090); on the demo
as it was then (51 technicians; 54 since; 30 s): first plan at 0.56 s instead of 1.5 s, 190
instead of 201. Each hard rule's test is one function of :mod:`solver.roster`.
"""

from __future__ import annotations

from collections import defaultdict

from solver.problem import Duty, Problem, separable
from solver.roster import Roster

Plan = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, str], ...]]


CONSTRAINED_FIRST = False
"""Pass 1 fills a day's duties most constrained first (fewest free candidates per wanted
person), each with the least flexible candidates (fewest other wanting duties that day)."""

FAIRNESS_FIRST = True
"""Among candidates for a duty, those with the fewest duties of its fairness categories
come before those who worked for the same client the day before (a spread costs more than
a change of client). False: the client first (before 2026-12-06). Only duties with a
fairness category are concerned, so benchmark-format instances are unchanged.
Warm-start objective (greedy, repair, on-call): generated 120 x 8 121 -> 58, 400 x 4
229 -> 173, 60 x 6 102 -> 62, demo 92 -> 82; plans at 60 s: see BENCHMARKS.md section
7, "2026-12-06 midday"."""

REQUESTS_FIRST: bool | None = None
"""Before the fairness categories, candidates whose requests the duty keeps come first (an
off request broken costs its weight, a work request granted saves it). None: only where
the objective has a term across people (:func:`solver.problem.separable` is False: every
MSP scenario), because only there is the constructive plan the search's start as it
stands; elsewhere the person-by-person sweep (:mod:`solver.sweep`) re-plans each roster
against its own requests from it. Measured (BENCHMARKS.md section 7, "2026-12-06
midday"): generated MSP plans at 60 s 1 000 x 8 338 -> 209 and 513 -> 322, 700 x 6 148 ->
145 (against ``FAIRNESS_FIRST`` alone); benchmark-format instances at 60 s, 2 seeds, on
against off: level on Instance5 and Instance7, better on h07, worse on g05 and Instance8."""


def _fill_day(duties, d: int, roster, count, take, score, problem: Problem, fair) -> None:
    """Fill day ``d``'s duties, the most constrained first, sparing flexible people.

    With many shift types and uneven eligibility, filling duties in a fixed order lets
    early duties use people that only later ones could have had; here the duty with
    the fewest free candidates per wanted person goes first (dearer duties before
    cheaper ones), and among equal candidates those eligible for fewer of the day's
    still-wanting duties are taken first.
    """
    want: dict[str, int] = {}
    cands: dict[str, set[str]] = {}
    flex: dict[str, int] = defaultdict(int)
    for duty in duties:
        w = duty.demand.required + duty.demand.peak_required - count[duty.id]
        if w <= 0:
            continue
        want[duty.id] = w
        cands[duty.id] = {q for q in problem.eligible.get(duty.id, ()) if roster[q].fits(duty, d + 1)}
        for q in cands[duty.id]:
            flex[q] += 1
    todo = {duty.id: duty for duty in duties if duty.id in want}
    while todo:
        duty = min(todo.values(), key=lambda x: (
            -max(x.demand.under_weight, x.demand.peak_weight),
            len(cands[x.id]) - want[x.id], x.start, x.id))
        del todo[duty.id]
        for q in cands[duty.id]:
            flex[q] -= 1
        tags = duty.tags & fair
        chosen = sorted(cands[duty.id], key=lambda q: (flex[q],) + score(q, duty, tags))[:want[duty.id]]
        for pid in chosen:
            take(pid, duty)
            for other in todo:
                if pid in cands[other]:
                    cands[other].discard(pid)
                    flex[pid] -= 1


def greedy_plan(problem: Problem) -> Plan:
    """A plan respecting the hard rules as far as a constructive pass can; (assignments, oncall)."""
    n = problem.num_days
    fair = {t for t, w in problem.rules.weights.fairness.items() if w > 0}
    week_of = {d: k for k, days in enumerate(problem.weeks) for d in days}
    weekend_of = {d: k for k, days in enumerate(problem.weekends) for d in days}
    roster = {p.id: Roster(p, problem, week_of, weekend_of) for p in problem.people}
    count: dict[str, int] = defaultdict(int)
    held: set[tuple[str, str]] = set()

    def take(pid: str, duty: Duty) -> None:
        roster[pid].add(duty, fair)
        count[duty.id] += 1
        held.add((pid, duty.id))

    fixed = defaultdict(list)
    for pid, did in problem.fixed:
        fixed[did].append(pid)
    by_day: list[list[Duty]] = [[] for _ in range(n)]
    for duty in problem.duties:
        by_day[duty.day].append(duty)

    wishes: dict[tuple[str, int], list] = defaultdict(list)
    requests_first = not separable(problem) if REQUESTS_FIRST is None else REQUESTS_FIRST
    for req in problem.requests if requests_first else ():
        if req.weight > 0:
            wishes[(req.person, req.day)].append(req)

    def wished(pid: str, duty: Duty) -> int:
        """What giving ``duty`` to ``pid`` costs in requests: an off request broken costs
        its weight, a work request granted saves it."""
        cost = 0
        for req in wishes.get((pid, duty.day), ()):
            if req.about(duty):
                cost += -req.weight if req.work else req.weight
        return cost

    def score(pid: str, duty: Duty, tags) -> tuple:
        r = roster[pid]
        d = duty.day
        prev = r.days[d - 1] if d > 0 else None
        left, _ = r._left(d, True)
        tagged = sum(r.tags[t] for t in tags)
        return (
            not (left and left < (r.p.min_consecutive_days or 0)),  # finish short runs first
            r.p.is_backup,
            wished(pid, duty),
            tagged if FAIRNESS_FIRST else 0,
            prev is None or prev.group != duty.group,
            tagged,
            r.total - (r.p.min_minutes or 0),
            pid,
        )

    # pass 1: day by day, future open
    for d in range(n):
        duties = sorted(by_day[d], key=lambda x: (-max(x.demand.under_weight, x.demand.peak_weight),
                                                   x.start, x.id))
        for duty in duties:
            for pid in fixed.get(duty.id, ()):
                if roster[pid].days[d] is None:
                    take(pid, duty)
        if CONSTRAINED_FIRST:
            _fill_day(duties, d, roster, count, take, score, problem, fair)
            continue
        for duty in duties:
            want = duty.demand.required + duty.demand.peak_required - count[duty.id]
            if want <= 0:
                continue
            tags = duty.tags & fair
            cands = [q for q in problem.eligible.get(duty.id, ()) if roster[q].fits(duty, d + 1)]
            for pid in sorted(cands, key=lambda q: score(q, duty, tags))[:want]:
                take(pid, duty)

    # pass 2: minimum minutes, then remaining gaps, with both sides of each day known
    by_person: dict[str, list[Duty]] = defaultdict(list)
    for duty in problem.duties:
        for pid in problem.eligible.get(duty.id, ()):
            by_person[pid].append(duty)
    for pid, r in roster.items():
        least = r.p.min_minutes or 0
        if r.total >= least:
            continue
        options = sorted(
            by_person[pid],
            key=lambda x: (count[x.id] >= x.demand.required + x.demand.peak_required,
                           x.demand.over_weight, x.day, x.id),
        )
        for duty in options:
            if r.total >= least:
                break
            if (pid, duty.id) not in held and r.fits(duty, n):
                take(pid, duty)
        # single days often break run rules: try blocks of the minimum run length
        size = max(2, r.p.min_consecutive_days or 0)
        start = 0
        while r.total < least and start + size <= n:
            block = []
            for day in range(start, start + size):
                if r.days[day] is not None:
                    break
                pick = next((x for x in options
                             if x.day == day and r.fits(x, n, min_run=False, min_off=False)), None)
                if pick is None:
                    break
                r.add(pick, fair)
                block.append(pick)
            if len(block) == size and r.valid():
                for x in block:
                    r.add(x, fair, -1)
                    take(pid, x)
                start += size + 1
            else:
                for x in block:
                    r.add(x, fair, -1)
                start += 1
    for duty in sorted(problem.duties, key=lambda x: (-x.demand.under_weight, x.day, x.id)):
        want = duty.demand.required + duty.demand.peak_required - count[duty.id]
        if want <= 0:
            continue
        tags = duty.tags & fair
        cands = [q for q in problem.eligible.get(duty.id, ())
                 if (q, duty.id) not in held and roster[q].fits(duty, n)]
        for pid in sorted(cands, key=lambda q: score(q, duty, tags))[:want]:
            take(pid, duty)

    # pass 3: runs below their minimum length are grown, or else dropped
    by_person_day: dict[tuple[str, int], list[Duty]] = defaultdict(list)
    for pid, duties in by_person.items():
        for duty in duties:
            by_person_day[(pid, duty.day)].append(duty)
    fixed_pairs = set(problem.fixed)
    for pid, r in roster.items():
        if (r.p.min_consecutive_days or 0) < 2:
            continue
        for a, _ in r.short_runs():
            for step in (1, -1):  # grow to the right, then to the left
                while r.is_short(a):
                    lo, hi = r.run_at(a)
                    day = hi + 1 if step > 0 else lo - 1
                    if not 0 <= day < n or r.days[day] is not None:
                        break
                    options = sorted(
                        by_person_day[(pid, day)],
                        key=lambda x: (count[x.id] >= x.demand.required + x.demand.peak_required,
                                       x.demand.over_weight, x.id))
                    fit = next((x for x in options if r.fits(x, n, min_run=False)), None)
                    if fit is None:
                        break
                    take(pid, fit)
        for a, b in r.short_runs():
            run = [r.days[d] for d in range(a, b + 1)]
            if any((pid, x.id) in fixed_pairs for x in run):
                continue
            for x in run:
                r.add(x, fair, -1)
                count[x.id] -= 1
                held.discard((pid, x.id))

    assignments = tuple(
        (pid, duty.id) for duty in problem.duties for pid in problem.eligible.get(duty.id, ())
        if (pid, duty.id) in held
    )
    return assignments, _oncall(problem)


def _oncall(problem: Problem) -> tuple[tuple[str, str, str], ...]:
    gap = problem.rules.oncall_min_gap
    held: dict[str, list] = defaultdict(list)  # person -> periods held
    out = []
    for q in sorted(problem.oncall_periods, key=lambda q: (q.start, q.id)):
        roles = ("primary", "backup") if q.needs_backup else ("primary",)
        taken: set[str] = set()
        for role in roles:
            def ok(pid: str) -> bool:
                if pid in taken:
                    return False
                for o in held[pid]:
                    if o.start < q.end and q.start < o.end:
                        return False
                    if o.rotation == q.rotation and abs(o.index - q.index) <= gap:
                        return False
                return True

            cands = sorted((p for p in problem.oncall_eligible.get(q.id, ()) if ok(p)),
                           key=lambda p: (len(held[p]), p))
            if cands:
                taken.add(cands[0])
                held[cands[0]].append(q)
                out.append((cands[0], q.id, role))
    return tuple(out)


def invalid_people(problem: Problem, assignments) -> list[str]:
    """People whose duties in ``assignments`` break one of their own hard rules.

    Checks what a constructive plan can get wrong per person (runs, rest,
    successions, weekly/total/type/weekend limits, the minimum total minutes, fixed
    pairs); used to free just those people when a hint turns out infeasible.
    """
    fair: set[str] = set()
    week_of = {d: k for k, days in enumerate(problem.weeks) for d in days}
    weekend_of = {d: k for k, days in enumerate(problem.weekends) for d in days}
    roster = {p.id: Roster(p, problem, week_of, weekend_of) for p in problem.people}
    duties = {d.id: d for d in problem.duties}
    held = set()
    bad: set[str] = set()
    for pid, did in assignments:
        r = roster[pid]
        duty = duties[did]
        if r.days[duty.day] is not None:
            bad.add(pid)  # two duties on one day
            continue
        r.add(duty, fair)
        held.add((pid, did))
    for pid, did in problem.fixed:
        if (pid, did) not in held:
            bad.add(pid)
    for pid, r in roster.items():
        low = r.p.min_minutes
        if not r.valid() or (low is not None and r.total < low):
            bad.add(pid)
    return sorted(bad)
