"""One person's own model, built once, whose objective is rewritten for each solve.

Column generation prices a person at each round's duals (:mod:`solver.colgen`) and the
person sweep re-plans a person against the coverage the others leave
(:mod:`solver.sweep`). In both, the person's hard rules and own penalties (requests,
continuity, backup use) stay the same from one solve to the next; only what each duty
is worth changes. So the model (:func:`solver.build.build_model` of a one-person problem,
every duty's demand left out) is built once, and each solve rewrites its objective:
the own penalties times a scale, plus one coefficient per duty on its variable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from solver.build import build_model
from solver.problem import Demand, Problem


class OwnModel:
    """``pid``'s model over ``duties`` (theirs), with no coverage terms."""

    def __init__(self, problem: Problem, pid: str, duties) -> None:
        person = next(p for p in problem.people if p.id == pid)
        own = tuple(replace(d, demand=Demand()) for d in duties)
        sub = Problem(num_days=problem.num_days, people=(person,), duties=own,
                      eligible={d.id: (pid,) for d in own}, weeks=problem.weeks,
                      weekends=problem.weekends,
                      requests=tuple(r for r in problem.requests if r.person == pid),
                      rules=problem.rules,
                      # a fixed pair the person may not hold is left out (a relaxation)
                      fixed=tuple(f for f in problem.fixed if f[0] == pid
                                  and any(d.id == f[1] for d in own)))
        self.m = build_model(sub)
        obj = self.m.model.proto.objective
        if obj.scaling_factor not in (0.0, 1.0):
            raise ValueError("a one-person model's objective is scaled")
        base: dict[int, int] = defaultdict(int)
        offset = int(obj.offset)
        for ref, c in zip(obj.vars, obj.coeffs):
            if ref < 0:  # c * not(x) = c - c * x
                base[-ref - 1] -= c
                offset += c
            else:
                base[ref] += c
        self.base, self.offset = dict(base), offset
        self.duty_vars = {did: var for (_, did), var in self.m.x.items()}
        """Duty id -> its variable (duties held elsewhere, ``busy``, included)."""
        self.solver = cp_model.CpSolver()
        p = self.solver.parameters
        p.num_workers = 1
        p.linearization_level = 2

    def set_objective(self, scale: int, per_duty: dict[str, int], offset: int = 0) -> None:
        """Objective: ``scale`` x the own penalties + ``per_duty[d]`` on each duty ``d``
        held + ``offset``."""
        coef = {i: scale * c for i, c in self.base.items()}
        for did, var in self.duty_vars.items():
            q = per_duty.get(did, 0)
            if q:
                coef[var.index] = coef.get(var.index, 0) + q
        obj = self.m.model.proto.objective
        obj.vars.clear()
        obj.coeffs.clear()
        items = [(i, c) for i, c in coef.items() if c]
        obj.vars.extend(i for i, _ in items)
        obj.coeffs.extend(c for _, c in items)
        obj.offset = scale * self.offset + offset
