"""The LNS's "person" neighbourhood: one person re-planned alone, in a model of their own.

A whole-model sub-solve pays the presolve and LP of the whole model even when it frees
one person; a person's own model (:func:`solver.sweep.replan_person`, their duties with
the coverage the others leave) is a fraction of that. The step reads the incumbent,
re-plans one person, and returns the complete value vector of the new plan (helper
variables derived by :meth:`solver.model.ModelBuilder.hint_values`) with its objective
computed from the model's own objective, so it is offered like any sub-solve result and
the bandit of :mod:`solver.lns` gives it time in proportion to its measured gain per
second.

Only for objectives that are a sum of per-person and per-duty terms
(:func:`solver.sweep.separable`), and never for a person holding an on-call period in
the incumbent (their model does not see on-call).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from solver.model import ModelBuilder
from solver.repair import duties_by_person
from solver.sweep import replan_person, separable

PERSON_STEP = False
"""Offer the "person" neighbourhood to the LNS bandit (where :func:`usable`).

Off: in the same-run A/B of 2026-12-02 (BENCHMARKS.md section 7, "Adaptive sweep") it
did not beat the fixed up-front sweep (``solver.solve.SWEEP_SHARE``) on the tuning
instances, so the default stays the measured better one; switch it on together with
``SWEEP_SHARE = 0`` to measure it again."""


def usable(m: ModelBuilder, deterministic: bool) -> bool:
    """True when the person step applies to ``m`` (wall-time limits, separable objective)."""
    return PERSON_STEP and not deterministic and separable(m.problem) and bool(m.x)


class PersonStep:
    """Re-plans one person of an incumbent value vector; shared by the LNS threads."""

    def __init__(self, m: ModelBuilder) -> None:
        self.m = m
        self.n = len(m.model.proto.variables)
        self.keys = list(m.x)
        self.x_idx = np.array([v.index for v in m.x.values()], dtype=np.int64)
        self.okeys = list(m.y)
        self.y_idx = np.array([v.index for v in m.y.values()], dtype=np.int64)
        self.by_person = duties_by_person(m.problem)
        obj = m.model.proto.objective
        refs = np.array(list(obj.vars), dtype=np.int64)
        self.neg = refs < 0
        self.obj_idx = np.where(self.neg, -refs - 1, refs)
        self.coefs = np.array(list(obj.coeffs), dtype=np.int64)
        self.offset = float(obj.offset)
        self.scale = float(obj.scaling_factor) or 1.0

    def objective(self, values: np.ndarray) -> float:
        """The model's objective at ``values`` (as CP-SAT reports it)."""
        v = values[self.obj_idx]
        v = np.where(self.neg, 1 - v, v)
        return self.scale * (float(np.dot(self.coefs, v)) + self.offset)

    def replan(self, values: np.ndarray, pid: str, seconds: float, seed: int):
        """``pid``'s new duty ids when their own model improves on ``values``, else None."""
        if not self.by_person.get(pid) or self._on_call(values, pid):
            return None
        plan = self._plan(values)
        counts = Counter(did for _, did in plan)
        held = {pid: [did for p, did in plan if p == pid]}
        return replan_person(self.m.problem, pid, self.by_person, counts, held, seconds, seed)

    def apply(self, values: np.ndarray, pid: str, duties: list[str]):
        """(values, objective) of ``values`` with ``pid`` holding ``duties``, or None.

        ``values`` may be a newer incumbent than the one ``pid`` was re-planned on (another
        thread improved it meanwhile): coverage is soft, so the plan stays valid, and the
        objective is computed from the complete vector, so it stays exact.
        """
        if self._on_call(values, pid):
            return None
        on = [self.okeys[i] for i in np.nonzero(values[self.y_idx])[0].tolist()]
        plan = [a for a in self._plan(values) if a[0] != pid] + [(pid, d) for d in duties]
        hint = self.m.hint_values(plan, on)
        if len(hint) != self.n:
            return None  # a helper without a derivation: no complete vector to offer
        out = np.zeros(self.n, dtype=np.int64)
        out[np.fromiter(hint.keys(), dtype=np.int64, count=len(hint))] = np.fromiter(
            hint.values(), dtype=np.int64, count=len(hint))
        return out, round(self.objective(out))

    def _plan(self, values: np.ndarray) -> list[tuple[str, str]]:
        return [self.keys[i] for i in np.nonzero(values[self.x_idx])[0].tolist()]

    def _on_call(self, values: np.ndarray, pid: str) -> bool:
        return any(self.okeys[i][0] == pid for i in np.nonzero(values[self.y_idx])[0].tolist())
