"""Why is a problem infeasible? A small set of (hard rule, person) that conflict.

The built model is cloned; every hard-rule constraint gets an enforcement literal
shared by its rule and person (the person is read from the variables' names), the
objective is dropped, and CP-SAT is asked, with those literals as assumptions, for
a set of them that is already infeasible. A deletion pass then makes the set
minimal when it is small. Structural definitions (``works`` literals) stay hard.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model import ModelBuilder

_MINIMISE_UP_TO = 12
"""Deletion filtering costs one solve per member: only for small cores."""


def _person(name: str) -> str | None:
    """Person id from a variable name such as ``x[p|duty]`` or ``works[p|3]``."""
    if "[" not in name:
        return None
    inner = name.split("[", 1)[1]
    return inner.split("|", 1)[0] if "|" in inner else None


def _literals(ct) -> list[int]:
    if ct.has_linear():
        return list(ct.linear.vars)
    for kind in ("bool_or", "bool_and", "at_most_one", "exactly_one"):
        if getattr(ct, f"has_{kind}")():
            return list(getattr(ct, kind).literals)
    return []


def _as_linear(ct, kind: str) -> None:
    """Rewrite an at-most-one / exactly-one (no enforcement support) as a linear constraint."""
    lits = list(getattr(ct, kind).literals)
    getattr(ct, f"clear_{kind}")()
    negated = sum(1 for lit in lits if lit < 0)
    for lit in lits:
        ct.linear.vars.append(lit if lit >= 0 else -lit - 1)
        ct.linear.coeffs.append(1 if lit >= 0 else -1)
    hi = 1 - negated
    ct.linear.domain.extend([-len(lits) if kind == "at_most_one" else hi, hi])


def explain(m: ModelBuilder, time_limit: float = 10.0) -> tuple[str, ...]:
    """Conflicting hard rules of an infeasible model, as ``"rule: person"`` strings.

    Parameters
    ----------
    m : a model built by :func:`solver.solve.build_model` (its ``spans`` record which
        constraints each hard rule added).
    time_limit : seconds for the diagnosis (one worker, as assumption cores need).

    Returns
    -------
    tuple of str
        Known conflicts found while building (e.g. a fixed pair that is not eligible)
        followed by the rule/person groups of an infeasible core; empty if none was found.
    """
    known = tuple(m.cache.get("conflicts", ()))  # type: ignore[arg-type]
    model = m.model.clone()
    model.clear_objective()
    model.clear_hints()
    proto = model.proto
    names = [v.name for v in proto.variables]
    groups: dict[tuple[str, str | None], cp_model.IntVar] = {}
    for rule, span in m.spans.items():
        for i in span:
            ct = proto.constraints[i]
            for kind in ("at_most_one", "exactly_one"):
                if getattr(ct, f"has_{kind}")():
                    _as_linear(ct, kind)
            people = {_person(names[v if v >= 0 else -v - 1]) for v in _literals(ct)}
            person = people.pop() if len(people) == 1 else None
            key = (rule, person)
            if key not in groups:
                groups[key] = model.new_bool_var(f"assume[{rule}|{person}]")
            ct.enforcement_literal.append(groups[key].index)
    if not groups:
        return known
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    by_index = {v.index: key for key, v in groups.items()}
    model.add_assumptions(list(groups.values()))
    if solver.solve(model) != cp_model.INFEASIBLE:
        return known
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
    if len(core) <= _MINIMISE_UP_TO:
        for key in list(core):
            trial = [k for k in core if k != key]
            model.clear_assumptions()
            model.add_assumptions([groups[k] for k in trial])
            if solver.solve(model) == cp_model.INFEASIBLE:
                core = trial
    text = tuple(f"{rule}: {person}" if person else rule for rule, person in sorted(
        core, key=lambda k: (k[0], k[1] or "")))
    return known + tuple(t for t in text if t not in known)
