"""Hard rules on the timing of one person's duties: ``no_overlap``, ``min_rest``, ``weekly_rest``.

Duties are grouped per person into *slots*: the distinct (start, end) intervals of
a day (many clients share the same shift times). Conflicts are only sought between
a day and the few later days whose earliest duty could start too soon, using a
suffix minimum of the days' earliest starts, so building is linear in practice.

``weekly_rest`` also holds the warm start's tests of the rule (``fits_weekly_rest``,
``valid_weekly_rest``: see :func:`solver.rules.warm_start_tests`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from typing import TYPE_CHECKING

from solver.model import LinearTerm, Lit, ModelBuilder, expr_sum
from solver.problem import Duty, week_bounds

if TYPE_CHECKING:
    from solver.roster import Roster

Slot = tuple[int, int, list[Lit]]
"""(start, end, duty variables of one person in that interval on one day)."""


def _slots(m: ModelBuilder, pid: str) -> list[list[Slot]]:
    """Per day, the person's slots (busy duties left out: the caller kept conflicting
    duties away from them, and two busy duties are not this plan's to part)."""
    out = []
    for pairs in m.by_person_day[pid]:
        groups: dict[tuple[int, int], list[Lit]] = defaultdict(list)
        for duty, var in pairs:
            if not duty.busy:
                groups[(duty.start, duty.end)].append(var)
        out.append([(s, e, vs) for (s, e), vs in groups.items()])
    return out


def _suffix_min_start(m: ModelBuilder) -> list[float]:
    """``out[d]`` = earliest start of any duty on day ``d`` or later (inf if none)."""
    n = m.num_days
    first = [float("inf")] * (n + 1)
    for duty in m.problem.duties:
        if duty.start < first[duty.day]:
            first[duty.day] = duty.start
    for d in range(n - 1, -1, -1):
        first[d] = min(first[d], first[d + 1])
    return first


def _cached_slots(m: ModelBuilder) -> tuple[dict[str, list[list[Slot]]], list[float]]:
    if "slots" not in m.cache:
        m.cache["slots"] = ({pid: _slots(m, pid) for pid in m.people}, _suffix_min_start(m))
    return m.cache["slots"]  # type: ignore[return-value]


def no_overlap(m: ModelBuilder) -> list[LinearTerm]:
    """``no_overlap``: no two duties of one person overlap in time.

    Duties of the same day are already exclusive (``one_shift_per_day``); here each
    slot is made exclusive with the overlapping slots of every later day (those
    form a clique, being on one day).
    """
    slots, sufmin = _cached_slots(m)
    n = m.num_days
    for days in slots.values():
        for d, today in enumerate(days):
            if not today:
                continue
            last_end = max(e for _, e, _ in today)
            for d2 in range(d + 1, n):
                if sufmin[d2] >= last_end:
                    break
                for s, e, vs in today:
                    later = [v for s2, e2, vs2 in days[d2] if s2 < e and s < e2 for v in vs2]
                    if later:
                        m.model.add(expr_sum(vs + later) <= 1)
    return []


def min_rest(m: ModelBuilder) -> list[LinearTerm]:
    """``min_rest``: at least ``min_rest_minutes`` between one duty's end and a later day's start.

    For a day ``d`` and a later day ``d2`` the conflict "end_s + rest > start_t" is
    monotone in ``end_s`` and ``start_t``, so the conflict graph between the two
    days (each a clique) is covered by nested bicliques: for each end threshold
    ``e``, the slots ending at ``e`` or later plus the slots of ``d2`` starting
    before ``e + rest`` hold at most one duty. Only non-dominated bicliques are
    added. The history's last end removes the duties that start too soon after it.
    """
    rest = m.problem.rules.min_rest_minutes
    if rest <= 0:
        return []
    slots, sufmin = _cached_slots(m)
    n = m.num_days
    for pid, days in slots.items():
        last = m.people[pid].history_last_end
        if last is not None:
            for d in range(n):
                if sufmin[d] >= last + rest:
                    break
                for s, _, vs in days[d]:
                    if s - last < rest:
                        for v in vs:
                            m.model.add(v == 0)
        for d, today in enumerate(days):
            if not today:
                continue
            by_end = sorted(today, key=lambda t: -t[1])
            ends = sorted({e for _, e, _ in today}, reverse=True)
            for d2 in range(d + 1, n):
                if sufmin[d2] >= ends[0] + rest:
                    break
                later = sorted(days[d2], key=lambda t: t[0])
                if not later:
                    continue
                starts = [s for s, _, _ in later]
                # sizes of B for each threshold (non-increasing as thresholds decrease)
                sizes = [bisect.bisect_left(starts, e + rest) for e in ends]
                for k, e in enumerate(ends):
                    if sizes[k] == 0:
                        break
                    if k + 1 < len(ends) and sizes[k + 1] == sizes[k]:
                        continue  # the next threshold has the same B and a larger A
                    a_vars = [v for s, e2, vs in by_end if e2 >= e for v in vs]
                    b_vars = [v for _, _, vs in later[: sizes[k]] for v in vs]
                    m.model.add(expr_sum(a_vars + b_vars) <= 1)
    return []


def weekly_rest(m: ModelBuilder) -> list[LinearTerm]:
    """``weekly_rest``: in each week, ``minutes`` free of the person's duties starting in it.

    A free window starting in the week exists if and only if one starts at the week's
    start, at the end of one of the person's duties or at the history's last end (slide
    any free window back until it meets one of them), so these instants are the only
    candidates. Each candidate window gets a Boolean that forbids every duty overlapping
    it; one per week must hold. A week with a window no duty can touch needs nothing, nor
    does a week that the person's busy duties (``Duty.busy``: held elsewhere) alone leave
    without a window: the plan cannot mend it.
    """
    for pid, person in m.people.items():
        minutes = person.params.get("min_weekly_rest_minutes")
        if not minutes:
            continue
        last = person.history_last_end
        pairs = [pair for day in m.by_person_day[pid] for pair in day]
        for start, end in week_bounds(m.problem, person):
            near = [(d, v) for d, v in pairs if d.end > start and d.start < end + minutes]
            held = [(d.start, d.end) for d, _ in near if d.busy]
            if held and not _free_window(start, end, minutes, held, last):
                continue
            starts = {start} | {d.end for d, _ in near if start <= d.end < end}
            if last is not None and start <= last < end:
                starts.add(last)
            windows: list[tuple[Lit, ...]] = []
            for c in sorted(starts):
                if last is not None and c < last:
                    continue  # the history's last duty still runs
                busy = tuple(v for d, v in near if d.start < c + minutes and d.end > c)
                if not busy:
                    break  # a window no duty can touch: the week holds
                if busy not in windows:
                    windows.append(busy)
            else:
                chosen = []
                for k, busy in enumerate(windows):
                    free = m.model.new_bool_var(f"weekly_rest[{pid},{start},{k}]")
                    m.model.add(expr_sum(list(busy)) == 0).only_enforce_if(free)
                    chosen.append(free)
                m.model.add_bool_or(chosen)
    return []


def _free_window(start: int, end: int, minutes: int, spans: list[tuple[int, int]],
                 last: int | None) -> bool:
    """Some window of ``minutes`` starting in ``[start, end)`` (not before ``last``) is
    free of ``spans``: one starting at ``start``, at a span's end or at ``last``."""
    starts = {start} | {e for _, e in spans if start <= e < end}
    if last is not None and start <= last < end:
        starts.add(last)
    return any(all(not (s < c + minutes and e > c) for s, e in spans)
               for c in starts if last is None or c >= last)


def _rest_weeks_ok(r: Roster, extra: Duty | None = None) -> bool:
    """Every week touched by ``extra`` (all weeks when None) keeps a ``weekly_rest`` window."""
    minutes = r.p.params.get("min_weekly_rest_minutes")
    if not minutes:
        return True
    busy = [(x.start, x.end) for x in r.days if x is not None]
    if extra is not None:
        busy.append((extra.start, extra.end))
    last = r.p.history_last_end
    held = [(x.start, x.end) for x in r.days if x is not None and x.busy]
    for start, end in r.week_bounds:
        if extra is not None and not (start < extra.end and extra.start < end + minutes):
            continue
        if held and not _free_window(start, end, minutes, held, last):
            continue  # busy time alone breaks the week (see weekly_rest)
        starts = [start] + [e for _, e in busy if start <= e < end]
        if last is not None and start <= last < end:
            starts.append(last)
        if not any(all(not (s < c + minutes and e > c) for s, e in busy)
                   for c in starts if last is None or c >= last):
            return False
    return True


def fits_weekly_rest(r: Roster, duty: Duty, horizon: int) -> bool:
    """The warm start's test (:data:`solver.roster.FITS`): may ``duty`` be added."""
    return _rest_weeks_ok(r, duty)


def valid_weekly_rest(r: Roster) -> bool:
    """The warm start's whole-horizon test (:data:`solver.roster.VALID`)."""
    return _rest_weeks_ok(r)
