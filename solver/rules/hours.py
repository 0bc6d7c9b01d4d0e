"""Hard rules that count: weekly and horizon minutes, shift-type limits, weekends."""

from __future__ import annotations

from ortools.sat.python.cp_model import LinearExpr

from solver.model import LinearTerm, ModelBuilder, expr_sum


def _minutes(m: ModelBuilder, pid: str, days) -> tuple[LinearExpr | int, int]:
    """Worked minutes of ``pid`` over ``days`` and their largest possible value."""
    vs, ws, top = [], [], 0
    for d in days:
        pairs = m.by_person_day[pid][d]
        for duty, var in pairs:
            vs.append(var)
            ws.append(duty.minutes)
        if pairs:
            top += max(duty.minutes for duty, _ in pairs)  # one duty per day at most
    if not vs:
        return 0, 0
    return LinearExpr.weighted_sum(vs, ws), top


def max_hours_per_week(m: ModelBuilder) -> list[LinearTerm]:
    """``max_hours_per_week``: per week of ``Problem.weeks``, minutes at most the person's cap."""
    for pid, person in m.people.items():
        cap = person.max_minutes_per_week
        if cap is None:
            continue
        for week in m.problem.weeks:
            total, top = _minutes(m, pid, week)
            if top > cap:
                m.model.add(total <= cap)
    return []


def contract_hours(m: ModelBuilder) -> list[LinearTerm]:
    """``contract_hours``: horizon minutes within ``[min_minutes, max_minutes]``."""
    for pid, person in m.people.items():
        lo, hi = person.min_minutes, person.max_minutes
        if lo is None and hi is None:
            continue
        total, top = _minutes(m, pid, range(m.num_days))
        if hi is not None and top > hi:
            m.model.add(total <= hi)
        if lo is not None and lo > 0:
            if top < lo:
                m.cache.setdefault("conflicts", []).append(
                    f"person {pid}: min_minutes {lo} above the most they can work ({top})"
                )
            m.model.add(total >= lo)
    return []


def shift_type_limits(m: ModelBuilder) -> list[LinearTerm]:
    """``shift_type_limits``: at most ``max_per_shift_type[type]`` duties of each type."""
    for pid, person in m.people.items():
        for stype, limit in person.max_per_shift_type.items():
            vs = [v for duty, v in m.person_vars(pid) if duty.shift_type == stype]
            if len(vs) > limit:
                m.model.add(expr_sum(vs) <= limit)
    return []


def max_weekends(m: ModelBuilder) -> list[LinearTerm]:
    """``max_weekends``: at most ``max_weekends`` weekends with a worked day.

    A weekend literal is implied by each worked day of the weekend; it may only be
    pushed to 1 needlessly, which the cap never rewards, so implications suffice.
    """
    for pid, person in m.people.items():
        cap = person.max_weekends
        if cap is None:
            continue
        works = m.works[pid]
        flags = []
        for k, days in enumerate(m.problem.weekends):
            lits = [works[d] for d in days if works[d] is not None]
            if not lits:
                continue
            if len(lits) == 1:
                flags.append(lits[0])
                continue
            flag = m.model.new_bool_var(f"weekend[{pid}|{k}]")
            for lit in lits:
                m.model.add_implication(lit, flag)
            idx = [lit.index for lit in lits]
            m.derive(flag, lambda val, idx=idx: max(val.get(i, 0) for i in idx))
            flags.append(flag)
        if len(flags) > cap:
            m.model.add(expr_sum(flags) <= cap)
    return []
