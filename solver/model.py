"""The CP-SAT variables of a problem and the indexes the rule builders share.

One Boolean per eligible (person, duty) pair, one per (person, on-call period, role)
for on-call-eligible people, and one ``works[p][d]`` literal per person and day on
which the person has at least one eligible duty (the duty literal itself when there
is only one). Builders look variables up by person and day, never by scanning all
duties, so building stays linear in the number of variables.

:class:`ModelBuilder` holds all of it so that a model can be built once and solved
again with some variables fixed (see :meth:`ModelBuilder.fixed`).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from typing import Callable, Iterator, Mapping, Sequence

from ortools.sat.python import cp_model

from solver.problem import Duty, OnCallPeriod, Person, Problem
from solver.validate import ROLES, validate

Lit = cp_model.IntVar
LinearTerm = tuple[int, "cp_model.LinearExprT"]
"""A penalty term: (weight, linear expression or variable or constant)."""

Values = Mapping[int, int]
"""Values of variables keyed by their model index (used to derive hints)."""


def expr_sum(items: Sequence) -> cp_model.LinearExprT:
    """Sum of variables or expressions (0 for an empty sequence)."""
    if not items:
        return 0
    if len(items) == 1:
        return items[0]
    return cp_model.LinearExpr.sum(items)


class ModelBuilder:
    """Variables and indexes of one problem (rules are added by :func:`build_model`).

    Attributes
    ----------
    problem : the problem being modelled.
    model : the CP-SAT model.
    x : (person id, duty id) -> Boolean variable, only for eligible pairs.
    y : (person id, period id, role) -> Boolean variable, only for on-call eligible people.
    by_person_day : person id -> per day, the list of (duty, variable) pairs.
    by_duty : duty id -> list of (person id, variable).
    works : person id -> per day, a literal true iff the person works that day, or None
        when the person has no eligible duty that day.
    oncall_by_person : person id -> list of (period, role, variable).
    oncall_by_period : period id -> role -> list of (person id, variable).
    penalties : soft rule name -> penalty terms, filled by :func:`build_model`.
    """

    def __init__(self, problem: Problem) -> None:
        validate(problem)
        self.problem = problem
        self.model = cp_model.CpModel()
        self.num_days = problem.num_days
        self.people: dict[str, Person] = {p.id: p for p in problem.people}
        self.duties: dict[str, Duty] = {d.id: d for d in problem.duties}
        self.periods: dict[str, OnCallPeriod] = {q.id: q for q in problem.oncall_periods}
        self.penalties: dict[str, list[LinearTerm]] = {}
        self.spans: dict[str, range] = {}
        """Hard rule name -> indices of the constraints its builder added."""
        self.cache: dict[str, object] = {}
        """Structures shared between builders (e.g. the coverage slack variables)."""
        self._derived: list[tuple[Lit, Callable[[Values], int]]] = []
        self._duty_vars()
        self._works_vars()
        self._oncall_vars()

    # construction ------------------------------------------------------------
    def _duty_vars(self) -> None:
        n = self.num_days
        new = self.model.new_bool_var
        self.x: dict[tuple[str, str], Lit] = {}
        self.by_duty: dict[str, list[tuple[str, Lit]]] = {}
        self.by_person_day: dict[str, list[list[tuple[Duty, Lit]]]] = {
            p: [[] for _ in range(n)] for p in self.people
        }
        for duty in self.problem.duties:
            row = []
            for pid in dict.fromkeys(self.problem.eligible.get(duty.id, ())):
                var = new(f"x[{pid}|{duty.id}]")
                self.x[(pid, duty.id)] = var
                row.append((pid, var))
                self.by_person_day[pid][duty.day].append((duty, var))
            self.by_duty[duty.id] = row

    def _works_vars(self) -> None:
        self.works: dict[str, list[Lit | None]] = {}
        for pid, days in self.by_person_day.items():
            lits: list[Lit | None] = []
            for d, pairs in enumerate(days):
                if not pairs:
                    lits.append(None)
                elif len(pairs) == 1:
                    lits.append(pairs[0][1])
                else:
                    w = self.model.new_bool_var(f"works[{pid}|{d}]")
                    # one_shift_per_day makes the sum 0 or 1, so this is an exact definition
                    self.model.add(w == cp_model.LinearExpr.sum([v for _, v in pairs]))
                    vs = [v.index for _, v in pairs]
                    self.derive(w, lambda val, vs=vs: min(1, sum(val.get(i, 0) for i in vs)))
                    lits.append(w)
            self.works[pid] = lits

    def _oncall_vars(self) -> None:
        new = self.model.new_bool_var
        self.y: dict[tuple[str, str, str], Lit] = {}
        self.oncall_by_person: dict[str, list[tuple[OnCallPeriod, str, Lit]]] = defaultdict(list)
        self.oncall_by_period: dict[str, dict[str, list[tuple[str, Lit]]]] = {}
        for q in self.problem.oncall_periods:
            roles = ROLES if q.needs_backup else ROLES[:1]
            per_role: dict[str, list[tuple[str, Lit]]] = {r: [] for r in roles}
            for pid in dict.fromkeys(self.problem.oncall_eligible.get(q.id, ())):
                for role in roles:
                    var = new(f"oncall[{pid}|{q.id}|{role}]")
                    self.y[(pid, q.id, role)] = var
                    per_role[role].append((pid, var))
                    self.oncall_by_person[pid].append((q, role, var))
            self.oncall_by_period[q.id] = per_role

    # helpers for builders ----------------------------------------------------
    def derive(self, var: Lit, value: Callable[[Values], int]) -> None:
        """Register how to compute ``var`` from earlier variables, to complete hints.

        ``value`` receives the values known so far (keyed by variable index) and
        returns the value ``var`` takes in the plan those values describe.
        """
        self._derived.append((var, value))

    def day_vars(self, pid: str, day: int, shift_type: str | None = None) -> list[Lit]:
        """Duty variables of ``pid`` on ``day`` (of one shift type when given)."""
        if not 0 <= day < self.num_days:
            return []
        pairs = self.by_person_day[pid][day]
        if shift_type is None:
            return [v for _, v in pairs]
        return [v for d, v in pairs if d.shift_type == shift_type]

    def person_vars(self, pid: str) -> Iterator[tuple[Duty, Lit]]:
        """All (duty, variable) pairs of one person, day by day."""
        for pairs in self.by_person_day[pid]:
            yield from pairs

    # warm start and fixing ---------------------------------------------------
    def hint_values(
        self,
        assignments: Sequence[tuple[str, str]],
        oncall: Sequence[tuple[str, str, str]] = (),
    ) -> dict[int, int]:
        """Values of every variable for a plan (unknown pairs are ignored).

        Duty and on-call variables are 1 for the given pairs and 0 otherwise; the
        helper variables take the values the plan implies.
        """
        values = {v.index: 0 for v in self.x.values()}
        values.update({v.index: 0 for v in self.y.values()})
        for key in assignments:
            var = self.x.get(tuple(key))
            if var is not None:
                values[var.index] = 1
        for key in oncall:
            var = self.y.get(tuple(key))
            if var is not None:
                values[var.index] = 1
        for var, fn in self._derived:
            values[var.index] = int(fn(values))
        return values

    def set_hint(
        self,
        assignments: Sequence[tuple[str, str]],
        oncall: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        """Replace the model's hint by a complete hint built from a plan."""
        self.model.clear_hints()
        values = self.hint_values(assignments, oncall)
        proto = self.model.proto.solution_hint
        idx = sorted(values)
        proto.vars.extend(idx)
        proto.values.extend(values[i] for i in idx)

    @contextlib.contextmanager
    def fixed(self, values: Values) -> Iterator["ModelBuilder"]:
        """Temporarily fix variables, keyed by model index, to values (domains restored on exit).

        For solving one built model with part of a plan frozen: the hint phase of
        :func:`solver.lns.search` completes a plan with every decision variable fixed
        (:func:`solver.phases.hint_phase`)::

            with builder.fixed({builder.x[p, d].index: 1, ...}):
                code = cp_model.CpSolver().solve(builder.model)
        """
        variables = self.model.proto.variables
        saved = []
        try:
            for index, value in values.items():
                dom = variables[index].domain
                saved.append((index, list(dom)))
                dom.clear()
                dom.extend([int(value), int(value)])
            yield self
        finally:
            for index, dom in saved:
                d = variables[index].domain
                d.clear()
                d.extend(dom)
