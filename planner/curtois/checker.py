"""An independent checker of a benchmark roster, read against the instance directly.

It knows nothing of Rota's domain, compile step or solver: it implements the nine
hard rules and the objective exactly as ``shared/benchmarks/curtois/README.md``
states them, so that a bug in the mapping or the solver cannot hide here.

A roster is a mapping ``{(employee, day): shift}`` or an iterable of
``(employee, day, shift)`` triples (the latter can express two shifts on one day,
which rule 1 then reports).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Union

from planner.curtois.instance import Instance

Roster = Union[Mapping[tuple[str, int], str], Iterable[tuple[str, int, str]]]

HARD_RULES = (
    "one_shift_per_day",
    "forbidden_succession",
    "max_shifts_per_type",
    "total_minutes",
    "max_consecutive_shifts",
    "min_consecutive_shifts",
    "min_consecutive_days_off",
    "max_weekends",
    "days_off",
)
"""The README's hard rules 1-9, in its order."""


@dataclass(frozen=True)
class Violation:
    """One hard-rule violation (``day`` is the first day concerned, when there is one)."""

    rule: str
    employee: str
    day: int | None
    message: str


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_roster` finds.

    ``penalties`` has the keys ``on_requests``, ``off_requests``, ``cover_under``,
    ``cover_over``; ``objective`` is their sum (the benchmark's objective).
    """

    violations: tuple[Violation, ...]
    penalties: Mapping[str, int] = field(default_factory=dict)

    @property
    def objective(self) -> int:
        return sum(self.penalties.values())

    @property
    def feasible(self) -> bool:
        return not self.violations


def roster_entries(roster: Roster) -> list[tuple[str, int, str]]:
    """The roster as a list of ``(employee, day, shift)`` triples."""
    if isinstance(roster, Mapping):
        return [(e, d, s) for (e, d), s in roster.items()]
    return [(e, d, s) for e, d, s in roster]


def check_roster(instance: Instance, roster: Roster) -> CheckResult:
    """Check a roster against every hard rule and recompute the objective.

    Parameters
    ----------
    instance : the benchmark instance.
    roster : ``{(employee, day): shift}`` or ``(employee, day, shift)`` triples;
        a day with no entry is a day off.

    Returns
    -------
    CheckResult
        The violations (empty when the roster is valid) and the objective terms.
    """
    H = instance.horizon
    shift_ids = {s.id for s in instance.shifts}
    staff_ids = {s.id for s in instance.staff}
    violations: list[Violation] = []

    # day -> shift per employee; extra shifts on a day are kept for rule 1 and cover.
    works: dict[str, dict[int, str]] = defaultdict(dict)
    on_day: Counter[tuple[str, int]] = Counter()
    all_entries: list[tuple[str, int, str]] = []
    for e, d, s in roster_entries(roster):
        if e not in staff_ids:
            violations.append(Violation("unknown_employee", e, d, f"unknown employee {e!r}"))
            continue
        if s not in shift_ids:
            violations.append(Violation("unknown_shift", e, d, f"{e} day {d}: unknown shift {s!r}"))
            continue
        if not (isinstance(d, int) and 0 <= d < H):
            violations.append(
                Violation("day_out_of_range", e, None, f"{e}: day {d!r} outside 0..{H - 1}")
            )
            continue
        on_day[(e, d)] += 1
        all_entries.append((e, d, s))
        works[e].setdefault(d, s)

    # 1. at most one shift per employee per day
    for (e, d), n in sorted(on_day.items()):
        if n > 1:
            violations.append(Violation("one_shift_per_day", e, d, f"{e} works {n} shifts on day {d}"))

    forbidden = {(s.id, t) for s in instance.shifts for t in s.forbidden_next}
    minutes = {s.id: s.minutes for s in instance.shifts}
    shifts_of: dict[str, list[str]] = defaultdict(list)
    for e, _, s in all_entries:
        shifts_of[e].append(s)
    for st in instance.staff:
        e = st.id
        days = works.get(e, {})
        # 2. forbidden successions, day d to day d+1
        for d, s in sorted(days.items()):
            t = days.get(d + 1)
            if t is not None and (s, t) in forbidden:
                violations.append(
                    Violation("forbidden_succession", e, d, f"{e}: {s} on day {d} then {t} on day {d + 1}")
                )
        # 3. at most `max` shifts of each type (a type the file does not list is unlimited)
        per_type = Counter(shifts_of[e])
        for s, n in sorted(per_type.items()):
            cap = st.max_shifts.get(s)
            if cap is not None and n > cap:
                violations.append(
                    Violation("max_shifts_per_type", e, None, f"{e}: {n} shifts of type {s}, at most {cap}")
                )
        # 4. total minutes between the minimum and the maximum
        total = sum(minutes[s] for s in shifts_of[e])
        if not st.min_total_minutes <= total <= st.max_total_minutes:
            violations.append(
                Violation(
                    "total_minutes",
                    e,
                    None,
                    f"{e}: {total} minutes, allowed {st.min_total_minutes}..{st.max_total_minutes}",
                )
            )
        worked = [d in days for d in range(H)]
        for start, length, is_work in _blocks(worked):
            end = start + length - 1
            inner = start > 0 and end < H - 1  # a day off (or work) on both sides inside the horizon
            # 5. no more than MaxConsecutiveShifts working days in a row
            if is_work and length > st.max_consecutive_shifts:
                violations.append(
                    Violation(
                        "max_consecutive_shifts",
                        e,
                        start,
                        f"{e}: works days {start}..{end} ({length} in a row), at most {st.max_consecutive_shifts}",
                    )
                )
            # 6. inner work blocks are at least MinConsecutiveShifts long
            if is_work and inner and length < st.min_consecutive_shifts:
                violations.append(
                    Violation(
                        "min_consecutive_shifts",
                        e,
                        start,
                        f"{e}: works only days {start}..{end} ({length}), at least {st.min_consecutive_shifts}",
                    )
                )
            # 7. inner off blocks are at least MinConsecutiveDaysOff long
            if not is_work and inner and length < st.min_consecutive_days_off:
                violations.append(
                    Violation(
                        "min_consecutive_days_off",
                        e,
                        start,
                        f"{e}: off only days {start}..{end} ({length}), at least {st.min_consecutive_days_off}",
                    )
                )
        # 8. weekends with a worked day
        worked_weekends = [w for w in instance.weekends if any(d in days for d in w)]
        if len(worked_weekends) > st.max_weekends:
            violations.append(
                Violation(
                    "max_weekends",
                    e,
                    worked_weekends[0][0],
                    f"{e}: works {len(worked_weekends)} weekends, at most {st.max_weekends}",
                )
            )
        # 9. no shift on a day off
        for d in sorted(instance.days_off.get(e, frozenset()) & set(days)):
            violations.append(Violation("days_off", e, d, f"{e}: works {days[d]} on day off {d}"))

    return CheckResult(tuple(violations), _penalties(instance, all_entries))


def _blocks(worked: list[bool]) -> list[tuple[int, int, bool]]:
    """Maximal runs as ``(first day, length, is_work)``."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    for d in range(1, len(worked) + 1):
        if d == len(worked) or worked[d] != worked[start]:
            out.append((start, d - start, worked[start]))
            start = d
    return out


def _penalties(instance: Instance, entries: list[tuple[str, int, str]]) -> dict[str, int]:
    held = set(entries)
    on = sum(q.weight for q in instance.on_requests if (q.employee, q.day, q.shift) not in held)
    off = sum(q.weight for q in instance.off_requests if (q.employee, q.day, q.shift) in held)
    count = Counter((d, s) for _, d, s in entries)
    under = over = 0
    for c in instance.cover:
        n = count[(c.day, c.shift)]
        under += c.under * max(0, c.requirement - n)
        over += c.over * max(0, n - c.requirement)
    return {"on_requests": on, "off_requests": off, "cover_under": under, "cover_over": over}
