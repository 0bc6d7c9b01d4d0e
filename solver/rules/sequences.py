"""Hard rules on runs of days: consecutive work and rest, and shift successions.

Window rules are encoded on the per-day ``works`` literals: sliding-window sums for
maximum run lengths, and one clause per forbidden short run for minimum run lengths
(the pattern "boundary, run of length L, boundary" may not occur). A day on which a
person has no eligible duty is a constant "off" day.
"""

from __future__ import annotations

from solver.model import LinearTerm, Lit, ModelBuilder, expr_sum
from solver.problem import Person


def _has_history(p: Person) -> bool:
    return p.history_consecutive_days is not None or p.history_consecutive_days_off is not None


def _forbid(m: ModelBuilder, pattern: list[tuple[Lit | None, bool]]) -> None:
    """Forbid the conjunction "each literal takes its value" (None = constant off).

    A pattern needing work on a day the person cannot work never occurs; a
    pattern needing an off day there is satisfied on that day.
    """
    clause = []
    for lit, worked in pattern:
        if lit is None:
            if worked:
                return
            continue
        clause.append(lit.negated() if worked else lit)
    m.model.add_bool_or(clause)


def max_consecutive_days(m: ModelBuilder) -> list[LinearTerm]:
    """``max_consecutive_days``: no work run longer than the limit; the first run adds history."""
    n = m.num_days
    for pid, person in m.people.items():
        cap = person.max_consecutive_days
        if cap is None:
            continue
        works = m.works[pid]
        for k in range(n - cap):
            window = works[k : k + cap + 1]
            if all(w is not None for w in window):
                m.model.add(expr_sum(window) <= cap)
        rest = person.min_consecutive_days_off or 0
        if rest > 0:
            # implied, for the LP: a window of cap + rest days holds one work run at
            # most (an off run between two runs inside it would be shorter than rest;
            # such a run has work on both sides, so no horizon-edge exemption applies),
            # hence at most cap worked days. Without it one person of 364 days with a
            # minimum of 205 shifts found no roster in 10 s.
            span = cap + rest
            for k in range(n - span + 1):
                window = [w for w in works[k : k + span] if w is not None]
                if len(window) > cap:
                    m.model.add(expr_sum(window) <= cap)
        past = person.history_consecutive_days or 0
        if past > 0:
            # days 0..L-1 all worked would make a run of past + L > cap
            length = max(1, cap - past + 1)
            head = works[:length]
            if length <= n and all(w is not None for w in head):
                m.model.add(expr_sum(head) <= length - 1)
    return []


def _min_runs(m: ModelBuilder, pid: str, least: int, past: int, worked: bool) -> None:
    """Forbid runs (of work when ``worked`` else of rest) shorter than ``least``.

    ``past`` is the history's run of the same kind (added to a run starting on
    day 0), or None when history is unknown.
    """
    n = m.num_days
    exempt = m.problem.rules.exempt_horizon_edges
    works = m.works[pid]
    for a in range(n):
        for length in range(1, least):
            b = a + length - 1
            if b >= n:
                break
            if b == n - 1 and exempt:
                continue
            if a == 0:
                if past is None and exempt:
                    continue
                if length + (past or 0) >= least:
                    continue
            pattern = [(works[d], worked) for d in range(a, b + 1)]
            if a > 0:
                pattern.append((works[a - 1], not worked))
            if b + 1 < n:
                pattern.append((works[b + 1], not worked))
            _forbid(m, pattern)


def min_consecutive_days(m: ModelBuilder) -> list[LinearTerm]:
    """``min_consecutive_days``: work runs at least the minimum, horizon edges as in docs/rules.md."""
    for pid, person in m.people.items():
        least = person.min_consecutive_days
        if least is None or least <= 1:
            continue
        past = (person.history_consecutive_days or 0) if _has_history(person) else None
        _min_runs(m, pid, least, past, worked=True)
    return []


def min_consecutive_days_off(m: ModelBuilder) -> list[LinearTerm]:
    """``min_consecutive_days_off``: off runs at least the minimum, same edge treatment."""
    for pid, person in m.people.items():
        least = person.min_consecutive_days_off
        if least is None or least <= 1:
            continue
        past = (person.history_consecutive_days_off or 0) if _has_history(person) else None
        _min_runs(m, pid, least, past, worked=False)
    return []


def forbidden_successions(m: ModelBuilder) -> list[LinearTerm]:
    """``forbidden_successions``: no type ``a`` on day d then type ``b`` on day d+1.

    Each day is a clique, so "sum of a-duties on d + b-duties on d+1 <= 1" is exact
    and stronger than pairwise clauses. The types ``a`` that forbid the same set
    ``S`` of successors share one constraint ("the a-duties on d plus the S-duties
    on d+1 hold at most one"), still exact because each day holds at most one duty:
    with 32 shift types one constraint per pair made 7.8 M constraints, 171 s and
    3.4 GiB for 150 people x 364 days; grouped, a few per person and day.
    The history's last type counts for day -1.
    """
    pairs = m.problem.rules.forbidden_successions
    if not pairs:
        return []
    after: dict[str, set[str]] = {}
    for a, b in pairs:
        after.setdefault(a, set()).add(b)
    groups: dict[frozenset[str], list[str]] = {}
    for a, bs in after.items():
        groups.setdefault(frozenset(bs), []).append(a)
    n = m.num_days
    for pid, person in m.people.items():
        by_type: list[dict[str, list[Lit]]] = []
        for day in m.by_person_day[pid]:
            types: dict[str, list[Lit]] = {}
            for duty, var in day:
                types.setdefault(duty.shift_type, []).append(var)
            by_type.append(types)
        last = person.history_last_shift_type
        if last in after and n > 0:
            for b in after[last]:
                for v in by_type[0].get(b, ()):
                    m.model.add(v == 0)
        for d in range(n - 1):
            today, tomorrow = by_type[d], by_type[d + 1]
            if not today or not tomorrow:
                continue
            for succ, firsts in groups.items():
                first = [v for a in firsts for v in today.get(a, ())]
                if not first:
                    continue
                second = [v for b in succ for v in tomorrow.get(b, ())]
                if second:
                    m.model.add(expr_sum(first + second) <= 1)
    return []
