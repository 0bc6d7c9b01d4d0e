"""People-side soft rules: ``fairness``, ``requests``, ``continuity``, ``backup_use``."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python.cp_model import LinearExpr

from solver.model import LinearTerm, Lit, ModelBuilder, expr_sum


def tagged_vars(m: ModelBuilder, tag: str) -> dict[str, list[Lit]]:
    """Person id -> variables of the duties and on-call roles tagged ``tag`` they may hold."""
    out: dict[str, list[Lit]] = defaultdict(list)
    for duty in m.problem.duties:
        if tag in duty.tags:
            for pid, var in m.by_duty[duty.id]:
                out[pid].append(var)
    for q in m.problem.oncall_periods:
        if tag in q.tags:
            for pairs in m.oncall_by_period[q.id].values():
                for pid, var in pairs:
                    out[pid].append(var)
    return out


def fairness(m: ModelBuilder) -> list[LinearTerm]:
    """``fairness``: per tag with weight > 0 and fairness group, ``w × (max − min)`` of counts.

    Only the group's people eligible for at least one tagged duty or period count,
    and only groups with two or more of them.
    """
    terms: list[LinearTerm] = []
    for tag, weight in sorted(m.problem.rules.weights.fairness.items()):
        if weight <= 0:
            continue
        per_person = tagged_vars(m, tag)
        groups: dict[str, list[str]] = defaultdict(list)
        for pid in m.people:  # problem order keeps the model deterministic
            if per_person.get(pid):
                groups[m.people[pid].fairness_group].append(pid)
        for group, pids in sorted(groups.items()):
            if len(pids) < 2:
                continue
            top = max(len(per_person[p]) for p in pids)
            hi = m.model.new_int_var(0, top, f"fair_max[{tag}|{group}]")
            lo = m.model.new_int_var(0, min(len(per_person[p]) for p in pids),
                                     f"fair_min[{tag}|{group}]")
            exprs = [expr_sum(per_person[pid]) for pid in pids]
            # exact max/min: every solution's objective is its true spread
            m.model.add_max_equality(hi, exprs)
            m.model.add_min_equality(lo, exprs)
            counts = [[v.index for v in per_person[pid]] for pid in pids]
            m.derive(hi, lambda val, c=counts: max(sum(val.get(i, 0) for i in x) for x in c))
            m.derive(lo, lambda val, c=counts: min(sum(val.get(i, 0) for i in x) for x in c))
            terms.append((weight, hi - lo))
            # for redundant constraints of a bound model (solver.bound): the group's
            # variables, its size and its max/min variables
            m.cache.setdefault("fairness_spreads", []).append(
                ([v for pid in pids for v in per_person[pid]], len(pids), hi, lo))
    return terms


def requests(m: ModelBuilder) -> list[LinearTerm]:
    """``requests``: a work request costs its weight when unmet, an off request when broken.

    At most one duty a day, so the sum of the matching duty variables is 0 or 1.
    """
    terms: list[LinearTerm] = []
    for r in m.problem.requests:
        if r.weight <= 0:
            continue
        vs = [v for duty, v in m.by_person_day[r.person][r.day]
              if not duty.busy and r.about(duty)]
        held = expr_sum(vs)
        if r.work:
            terms.append((r.weight, 1 - held if vs else 1))
        elif vs:
            terms.append((r.weight, held))
    return terms


def continuity(m: ModelBuilder) -> list[LinearTerm]:
    """``continuity``: weight per person and day d worked for another group than day d+1.

    ``c >= works_g(d) + others_g(d+1) - 1`` and ``c <= 1 - works_g(d) + others_g(d+1)``
    for every group g of day d, plus ``c <= works(d)``, ``c <= works(d+1)``: with one
    duty a day ``c`` is 1 exactly when both days are worked for different groups.
    """
    weight = m.problem.rules.weights.continuity
    if weight <= 0:
        return []
    terms: list[LinearTerm] = []
    for pid in m.people:
        days = []
        for pairs in m.by_person_day[pid]:
            groups: dict[str, list[Lit]] = defaultdict(list)
            for duty, var in pairs:
                if not duty.busy:
                    groups[duty.group].append(var)
            days.append(groups)
        for d in range(m.num_days - 1):
            today, tomorrow = days[d], days[d + 1]
            if not today or not tomorrow or len(today.keys() | tomorrow.keys()) < 2:
                continue
            c = m.model.new_bool_var(f"switch[{pid}|{d}]")
            works_today = expr_sum([v for vs in today.values() for v in vs])
            works_next = expr_sum([v for vs in tomorrow.values() for v in vs])
            m.model.add(c <= works_today)
            m.model.add(c <= works_next)
            for g, vs in today.items():
                others = [v for h, ws in tomorrow.items() if h != g for v in ws]
                if others:
                    m.model.add(c >= expr_sum(vs) + expr_sum(others) - 1)
                # same group both days forbids c (exact, so no stale penalty survives)
                m.model.add(c <= 1 - expr_sum(vs) + expr_sum(others))
            sig = [([v.index for v in vs], g) for g, vs in today.items()]
            nxt = [([v.index for v in vs], g) for g, vs in tomorrow.items()]
            m.derive(c, lambda val, a=sig, b=nxt: _switched(val, a, b))
            terms.append((weight, c))
    return terms


def _switched(val, today, tomorrow) -> int:
    held = [g for idx, g in today if any(val.get(i, 0) for i in idx)]
    nxt = [g for idx, g in tomorrow if any(val.get(i, 0) for i in idx)]
    return int(bool(held) and bool(nxt) and held[0] != nxt[0])


def backup_use(m: ModelBuilder) -> list[LinearTerm]:
    """``backup_use``: weight per duty held by a backup technician."""
    weight = m.problem.rules.weights.backup_use
    if weight <= 0:
        return []
    vs = [v for pid, p in m.people.items() if p.is_backup
          for duty, v in m.person_vars(pid) if not duty.busy]
    return [(weight, LinearExpr.sum(vs))] if vs else []
