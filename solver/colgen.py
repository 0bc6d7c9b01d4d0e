"""A lower bound from the set-partitioning LP over whole per-person rosters (column generation).

The master chooses, for every person, a convex combination of whole rosters (columns)
that each keep every hard rule of that person; coverage is linked through per-duty rows
with the shortfall and over-coverage slacks at their weights::

    min   sum_c cost_c l_c + sum_d (u_d s_d + p_d t_d + o_d e_d)
    s.t.  sum_{c of p} l_c = 1                       for each person p
          sum_c a_cd l_c + s_d + t_d - e_d = r_d + q_d  for each duty d     (dual pi_d)
          0 <= s_d <= r_d, 0 <= t_d <= q_d, e_d >= 0, l >= 0

(``r``/``u`` the base tier, ``q``/``p`` the peak tier, ``o`` the over-coverage weight,
``cost_c`` the person's own penalties: requests, continuity, backup use). Solved by
GLOP; a person's pricing problem is their own CP-SAT model (:func:`solver.build.build_model`
of a one-person problem, every hard rule of theirs) with ``-pi_d`` on each duty, answered
first where possible by a dynamic programme (:mod:`solver.dp_pricing`, ``DP_PRICING``).

The bound reported is the Lagrangian one, valid at any duals ``pi_d >= -o_d`` whether
or not the column generation converged::

    LB(pi) = sum_d [pi_d (r_d + q_d) + r_d min(0, u_d - pi_d) + q_d min(0, p_d - pi_d)]
             + sum_p (CP-SAT's proven bound on p's pricing problem)

with the duals rounded to multiples of ``1 / SCALE`` so every pricing model has integer
coefficients. It is a bound on the integer problem itself (a relaxation of the coupling
rows only), so it holds for the plans the checker scores.

:func:`colgen_dive` builds a plan on the same master (price and fix, CP-SAT placing the
last people); both are measured by ``benchmarks/suite_bounds.py`` (BENCHMARKS.md section
7, "2026-12-04 night"). :func:`colgen_start` is the first step of
:func:`solver.solve` where they apply and the budget is long
(``solver.solve.COLGEN_MIN_SECONDS``): the root's bound, and the dive's plan as warm start
when the root converges early (BENCHMARKS.md section 7, "2026-12-05" and "2026-12-05
evening").

Only for problems whose objective is a sum of per-person and per-duty terms with no
rule across people: no fairness spread, no on-call period, no re-plan stability
(:func:`applicable`). The benchmark's instances (Curtois & Qu) are of that kind; the
branch-and-price methods that solve them rest on this bound.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver.build import build_model
from solver.dp_pricing import PersonDP, unsupported
from solver.evaluate import evaluate
from solver.own_model import OwnModel
from solver.problem import Demand, Problem
from solver.repair import duties_by_person
from solver.rules.coverage import split_missing
from solver.threads import run_threads

SCALE = 1000
"""Duals are rounded to multiples of ``1 / SCALE`` (pricing models need integer costs)."""

PRICING_SECONDS = 2.0
"""Most seconds one pricing solve may take (its proven bound counts if it stops early)."""

QUICK_PRICING_SECONDS = 0.0
"""Most seconds one pricing solve may take while the rounds still find columns; 0 (the
default): every round exact. With a positive value, only once such a quick round finds no
column do the pricing solves run to their optimum (``PRICING_SECONDS``), so convergence
is still proven; a person whose quick solve found no roster is priced to the end from
then on. Measured and kept off (BENCHMARKS.md section 7, "2026-12-06"): at 0.03 s the
root converged sooner on the wide 28-day shapes (g10 61.7 s against 74.1, h01 97.9
against 121.4; geometric mean 0.95 over eight instances), but on h08 (56 x 60 x 8) it
did not converge in 210 s and its bound stayed at -268 (quick solves prove weak bounds)
where exact rounds converged in 192 s at 1 374.5; in ``solve()`` at 600 s that lost the
reported bound (77 instead of 1 253)."""


STABILISE = 0.5
"""Duals priced are ``STABILISE`` x those of the best bound so far + the rest x the LP's
(Wentges smoothing): the bound rises with fewer oscillations; a round that finds no
column there prices at the LP's own duals before convergence is declared."""

DIVE_SHARE = 0.05
"""Share of the people the dive fixes at a step where nobody's LP weight is near 1."""

FINISH_SHARE = 0.15
"""The dive stops fixing once no more than this share of the people are free; CP-SAT
places them (:func:`colgen_dive`)."""

ROOT_ROUNDS = 20
"""Pricing rounds the root must be able to fit by its deadline in :func:`colgen_start`
(the public instances and the generated suite's 28-56-day shapes converged in 14-41
rounds, BENCHMARKS.md section 7, "2026-12-05"); at a slower pace it gives up
(:func:`pace_gives_up`)."""

PACE_ROUNDS = 3
"""Rounds done before the pace rule (:func:`pace_gives_up`) judges."""

DIVE_UNCONVERGED = False
"""The dive of :func:`colgen_start` also starts from a root that did not converge by its
deadline (its restricted master's LP), not only from a converged one. Off: at 60 s with
column generation first (BENCHMARKS.md section 7, "2026-12-08, 01:35-03:27 UTC", seed 1)
it was better on 8 of the 18 open tuning instances (g10 501 -> 324, h04 312 -> 186, g04
and h03 below every earlier plan) and worse on 10 (h08 1 875 -> 4 245, h10 416 -> 1 350)."""

DIVE_ROUNDS = 2
"""Most pricing rounds after each fixing step of :func:`colgen_start`'s dive, which has
less time than :func:`colgen_dive`'s (there: until convergence). On Instance8 with a
30 s dive: 1 409 with 2, 1 895 until convergence (one run each)."""

FINISH_TIME = 0.25
"""Share of the dive's time kept for CP-SAT's completion."""

DP_PRICING = True
"""Each pricing problem is first given to :class:`solver.dp_pricing.PersonDP`; CP-SAT
solves it only when the programme neither found its optimum nor proved that no roster
of negative reduced cost exists. Exact either way (same bound at convergence). Measured
(BENCHMARKS.md section 7, "2026-12-07, 16:05-18:30 UTC", ``benchmarks/colgen_root.py``):
the root converged 1.85 times sooner on g10 (52.9 s against 98.0), 2.46 on h01, 2.68
on h11 and 1.78 on h12, the programme settling 77-93 % of the pricing problems."""

DP_COLUMNS = True
"""A roster of the programme with a negative reduced cost is the person's column even when
it is not proven optimal (its bound, a valid lower bound, stands for the round's); CP-SAT
then prices only the people for whom the programme found neither such a roster nor a
proof. A round that adds no column is followed by one priced exactly (CP-SAT for whoever
the programme does not settle), so convergence is proven as before."""

DP_STEPS = 4
"""Most programmes per pricing problem (subgradient steps on its multipliers between them)."""

COLUMNS_PER_PRICING = 3
"""The last rosters of each pricing solve (its best and the ones just before) offered to
the master when their reduced cost is negative."""


def applicable(problem: Problem) -> str | None:
    """None when the bound applies to ``problem``, else why not."""
    w = problem.rules.weights
    if any(v > 0 for v in w.fairness.values()):
        return "fairness spreads couple people"
    if problem.oncall_periods:
        return "on-call periods are not in the per-person rosters"
    if problem.stability is not None:
        return "a re-plan's change budget couples people"
    return None


@dataclass
class ColgenBound:
    """What :func:`colgen_bound` proved."""

    bound: float
    """Best Lagrangian bound (``-inf`` when no pricing round completed)."""
    lp: float | None
    """The restricted master's last LP value (equals ``bound`` at convergence)."""
    converged: bool
    """No column of negative reduced cost was left (the bound is the LP's own)."""
    rounds: int
    columns: int
    seconds: float
    history: list[tuple[float, float]]
    """(seconds since start, best bound) after each round."""
    answered: tuple[int, int] = (0, 0)
    """Pricing problems answered by the dynamic programme, by CP-SAT."""
    unproven: int = 0
    """Of the programme's answers, rosters of negative reduced cost not proven optimal
    (:data:`DP_COLUMNS`)."""
    lp_seconds: float = 0.0
    """Time in the master's LP solves."""


class _Columns(cp_model.CpSolverSolutionCallback):
    """Every roster a pricing solve finds on its way to the best one."""

    def __init__(self, x: dict) -> None:
        super().__init__()
        self.x = x
        self.found: list[tuple[frozenset[str], float]] = []

    def on_solution_callback(self) -> None:
        col = frozenset(did for did, var in self.x.items() if self.value(var))
        self.found.append((col, self.objective_value))


class _Pricer:
    """One person's own model (:class:`solver.own_model.OwnModel`); its objective is
    rewritten with each round's duals."""

    def __init__(self, problem: Problem, pid: str, duties) -> None:
        self.own = OwnModel(problem, pid, duties)
        self.m, self.solver = self.own.m, self.own.solver
        self.x = {did: var for did, var in self.own.duty_vars.items()
                  if not self.m.duties[did].busy}
        self.dp = (PersonDP(problem, pid, duties)
                   if DP_PRICING and not unsupported(problem, pid, duties) else None)

    def quick(self, pi: dict[str, int], mu: float, heuristic: bool = False):
        """The pricing problem answered by the dynamic programme, in :meth:`price`'s
        form, when it settles it: its roster is optimal (its cost meets the bound), or
        the bound is at least ``mu`` (no roster of negative reduced cost); with
        ``heuristic``, also when its roster has a negative reduced cost (not proven
        optimal: the bound is the programme's); else None."""
        if self.dp is None:
            return None
        ids = self.dp.ids
        out = self.dp.price(-np.array([pi.get(i, 0) for i in ids], dtype=np.float64) / SCALE,
                            DP_STEPS)
        if out is None:
            return None
        bound, roster = out
        # the scaled optimum is an integer (integer costs, duals in 1 / SCALE): round up
        proven = math.ceil(bound * SCALE - 1e-6)
        if roster is not None and roster[1] * SCALE <= proven + 1e-6:
            return [(frozenset(roster[0]), roster[1] * SCALE)], proven, True
        if proven >= mu * SCALE + 1e-4:
            return [], proven, True
        if heuristic and roster is not None and roster[1] * SCALE < mu * SCALE - 1:
            return [(frozenset(roster[0]), roster[1] * SCALE)], proven, False
        return None

    def price(self, pi: dict[str, int], seconds: float):
        """([(duty ids, objective)] of the last rosters found, proven bound, proven optimal)
        at duals ``pi`` (scaled); ([], None, False) when the time ran out before any roster
        was found; None when the person has no roster."""
        self.own.set_objective(SCALE, {did: -pi[did] for did in self.x if pi.get(did)})
        self.solver.parameters.max_time_in_seconds = max(0.01, seconds)
        seen = _Columns(self.x)
        code = self.solver.solve(self.m.model, seen)
        if code == cp_model.UNKNOWN:
            return [], None, False
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return (seen.found[-COLUMNS_PER_PRICING:], self.solver.best_objective_bound,
                code == cp_model.OPTIMAL)


def _row_bound(dm: Demand, pi: float) -> float:
    """The coverage part of the Lagrangian at dual ``pi`` (``pi >= -over_weight``)."""
    return (pi * (dm.required + dm.peak_required) + dm.required * min(0.0, dm.under_weight - pi)
            + dm.peak_required * min(0.0, dm.peak_weight - pi))


class _Master:
    """The restricted master LP, its columns, and the column generation loop."""

    def __init__(self, problem: Problem) -> None:
        by_person = duties_by_person(problem)
        self.pricers = {p.id: _Pricer(problem, p.id, by_person[p.id])
                        for p in problem.people if by_person.get(p.id)}
        self.duties = {d.id: d for d in problem.duties if not d.busy
                       and (d.demand.required or d.demand.peak_required or d.demand.over_weight)}
        self.rows_d = {did: d.demand for did, d in self.duties.items()}
        # people with no duty at all still pay their own penalties (unmet work requests)
        self.fixed_cost = float(sum(r.weight for r in problem.requests
                                    if r.work and r.person not in self.pricers))
        self.lp = lp = pywraplp.Solver.CreateSolver("GLOP")
        inf = lp.infinity()
        self.objective = lp.Objective()
        self.objective.SetMinimization()
        self.convex = {pid: lp.Constraint(1, 1) for pid in self.pricers}
        self.rows = {}
        for did, dm in self.rows_d.items():
            want = dm.required + dm.peak_required
            row = lp.Constraint(want, want)
            for ub, w in ((dm.required, dm.under_weight), (dm.peak_required, dm.peak_weight)):
                if ub:
                    s = lp.NumVar(0, ub, "")
                    row.SetCoefficient(s, 1)
                    self.objective.SetCoefficient(s, w)
            e = lp.NumVar(0, inf, "")
            row.SetCoefficient(e, -1)
            self.objective.SetCoefficient(e, dm.over_weight)
            self.rows[did] = row
        self.columns: list[tuple[str, frozenset[str], object, int]] = []
        self.by_person: dict[str, list[int]] = defaultdict(list)
        # first duals: half a missing person's weight, so the first rosters work
        self.pi_lp = {did: max(dm.under_weight, dm.peak_weight) / 2 for did, dm in self.rows_d.items()}
        self.mu = {pid: math.inf for pid in self.pricers}
        self.lp_value: float | None = None
        self.answered = [0, 0]
        """Pricing problems answered by the dynamic programme, by CP-SAT."""
        self.unproven = 0
        self.lp_seconds = 0.0

    def add(self, pid: str, col: frozenset[str], cost: int) -> None:
        v = self.lp.NumVar(0, self.lp.infinity(), "")
        self.objective.SetCoefficient(v, cost)
        self.convex[pid].SetCoefficient(v, 1)
        for did in col:
            if did in self.rows:
                self.rows[did].SetCoefficient(v, 1)
        self.by_person[pid].append(len(self.columns))
        self.columns.append((pid, col, v, cost))

    def solve_lp(self) -> bool:
        t = time.perf_counter()
        status = self.lp.Solve()
        self.lp_seconds += time.perf_counter() - t
        if status != pywraplp.Solver.OPTIMAL:
            return False
        self.lp_value = self.objective.Value()
        self.mu = {pid: c.dual_value() for pid, c in self.convex.items()}
        self.pi_lp = {did: max(row.dual_value(), -self.rows_d[did].over_weight)
                      for did, row in self.rows.items()}
        return True

    def generate(self, deadline: float, workers: int, people=None, t0: float = 0.0,
                 history: list | None = None, stop=None,
                 max_rounds: int = 0, give_up=None) -> tuple[float, bool, int]:
        """Column generation over ``people`` (default everyone) until convergence or
        ``deadline`` (or ``stop()``, or ``give_up(rounds, best bound so far)`` after a round);
        returns (best Lagrangian bound, converged, rounds).
        The bound is one of the whole problem only when ``people`` is everyone and nothing
        is fixed."""
        rows_d, pricers = self.rows_d, self.pricers
        order = [pid for pid in pricers if people is None or pid in people]
        center = dict(self.pi_lp)  # the duals of the best bound so far (stabilisation centre)
        best, converged, rounds = -math.inf, False, 0
        alpha = 0.0 if self.lp_value is None else STABILISE
        cap = QUICK_PRICING_SECONDS or PRICING_SECONDS
        slow: set[str] = set()  # people whose quick pricing found no roster: exact from then on
        heuristic = DP_COLUMNS  # the programme's unproven rosters are columns (DP_COLUMNS)
        while time.perf_counter() < deadline and not (stop is not None and stop()):
            if max_rounds and rounds >= max_rounds:
                break
            rounds += 1
            pi = {did: int(round(max(alpha * center[did] + (1 - alpha) * self.pi_lp[did],
                                     -rows_d[did].over_weight) * SCALE)) for did in rows_d}
            results: dict[str, object] = {}
            nxt = iter(range(len(order)))
            lock = threading.Lock()

            def work(_tid: int) -> None:
                while True:
                    with lock:
                        k = next(nxt, None)
                    if k is None:
                        return
                    pid = order[k]
                    left = deadline - time.perf_counter()
                    # a person with no column yet is priced to the end (the master needs one)
                    most = cap if self.by_person.get(pid) and pid not in slow else PRICING_SECONDS
                    res = pricers[pid].quick(pi, self.mu[pid], heuristic)
                    by_cpsat = res is None
                    if by_cpsat:
                        res = pricers[pid].price(pi, min(most, left))
                    with lock:
                        self.answered[by_cpsat] += 1
                        self.unproven += not by_cpsat and not res[2]
                    results[pid] = res

            run_threads(work, max(1, int(workers)), "colgen")
            # every pricing problem answered with a proven bound: the round's bound holds
            complete = all(results.get(pid) is not None and results[pid][1] is not None
                           for pid in order)
            if cap < PRICING_SECONDS:
                slow |= {pid for pid in order if results.get(pid) is not None
                         and results[pid][1] is None}
            # no column left is known only when every pricing solve proved its optimum
            exact = complete and all(results[pid][2] for pid in order)
            added = 0
            lagrangian = self.fixed_cost + sum(_row_bound(rows_d[d], pi[d] / SCALE) for d in rows_d)
            for pid in order:
                res = results.get(pid)
                if res is None:
                    continue
                found, proven, _ = res
                if proven is not None:
                    lagrangian += proven / SCALE
                for col, value in found:
                    # value = SCALE * cost - pi . a  (pi scaled): the roster's own cost is exact
                    cost = round((value + sum(pi.get(d, 0) for d in col)) / SCALE)
                    if cost - sum(self.pi_lp.get(d, 0.0) for d in col) < self.mu[pid] - 1e-6:
                        self.add(pid, col, cost)
                        added += 1
            if complete and lagrangian > best:
                best, center = lagrangian, {did: q / SCALE for did, q in pi.items()}
            if history is not None:
                history.append((time.perf_counter() - t0, best))
            if (people is None and complete and self.lp_value is not None
                    and best >= self.lp_value - 1e-6):
                # the bound meets the restricted master's LP value: that LP is optimal
                converged = True
                break
            if give_up is not None and give_up(rounds, best):
                break
            if cap < PRICING_SECONDS and added == 0:
                # quick pricing found no column: solve every pricing problem to its
                # optimum from now on
                cap = PRICING_SECONDS
                continue
            if complete and added == 0 and rounds > 1:
                if heuristic and not exact:
                    heuristic = False  # the programme's rosters found nothing: price exactly
                    continue
                if alpha == 0.0 or (self.lp_value is not None and best >= self.lp_value - 1e-6):
                    # converged, unless a pricing solve stopped before proving its optimum
                    # (then nothing more is found at these duals either)
                    converged = exact
                    break
                alpha = 0.0  # stabilised duals found nothing (mispricing): price at the LP's
                continue
            if not self.solve_lp():
                break
            alpha, heuristic = STABILISE, DP_COLUMNS
        return best, converged, rounds


def colgen_bound(problem: Problem, seconds: float, workers: int = 1) -> ColgenBound:
    """Column generation on the set-partitioning LP for at most ``seconds``.

    Raises ValueError when the bound does not apply (:func:`applicable`).
    """
    why = applicable(problem)
    if why:
        raise ValueError(f"the set-partitioning bound does not apply: {why}")
    t0 = time.perf_counter()
    master = _Master(problem)
    history: list[tuple[float, float]] = []
    best, converged, rounds = master.generate(t0 + seconds, workers, t0=t0, history=history)
    if master.lp_value is not None and not converged:
        master.solve_lp()  # columns of the last round included
    return ColgenBound(bound=best, lp=master.lp_value, converged=converged, rounds=rounds,
                       columns=len(master.columns), seconds=time.perf_counter() - t0,
                       history=history, answered=tuple(master.answered),
                       unproven=master.unproven,
                       lp_seconds=master.lp_seconds)


@dataclass
class ColgenDive:
    """What :func:`colgen_dive` built."""

    assignments: tuple[tuple[str, str], ...]
    """(person, duty) pairs of the plan: every person's roster is a column, which keeps
    all of that person's hard rules; coverage is soft."""
    objective: int
    """The plan's objective as the master counts it (roster costs plus coverage)."""
    root_bound: float
    """The Lagrangian bound of the root (a bound of the problem)."""
    fixed_steps: int
    seconds: float
    free_at_finish: int = 0
    """People left to CP-SAT's completion (their heaviest roster as hint)."""


def colgen_dive(problem: Problem, seconds: float, workers: int = 1,
                share: float = DIVE_SHARE, finish: float = FINISH_SHARE) -> ColgenDive | None:
    """A plan by diving on the set-partitioning LP (price and fix, no backtracking), the
    last people placed by CP-SAT.

    Column generation at the root, then repeatedly: every person whose LP weight on one
    roster is near 1 is fixed to it, or else the ``share`` of the free people with the
    largest weight on one roster are; columns are priced again for the people left.
    Once no more than ``finish`` of the people are free (or ``1 - FINISH_TIME`` of the
    time is spent), CP-SAT solves the whole model with the fixed people's rosters fixed
    and the others hinted with their heaviest roster, for the time left. None when the
    bound does not apply or a person has no roster.
    """
    if applicable(problem):
        return None
    t0 = time.perf_counter()
    dive_until = t0 + (1 - FINISH_TIME) * seconds
    master = _Master(problem)
    root, _, _ = master.generate(dive_until, workers)
    return _dive(problem, master, root, t0, dive_until, t0 + seconds, workers, share, finish, 0)


def pace_gives_up(rounds: int, first_end: float, now: float, until: float) -> bool:
    """Whether a root that has done ``rounds`` pricing rounds by ``now`` (the first ended
    at ``first_end``) should give up: at its pace since the first round, fewer than
    :data:`ROOT_ROUNDS` rounds in all would fit by ``until``. It does not judge before
    :data:`PACE_ROUNDS` rounds (only the deadline ends those). The first round is no
    measure of the pace (the master built, every person priced from scratch): when the
    pace was measured from the start, on the 28 x 150 x 8 suite shape (whose root converges
    in about 30 rounds and 22 s) the first round's 1.8 s made the root give up after it at
    a budget of 60 s (BENCHMARKS.md section 7, "2026-12-08")."""
    if rounds < PACE_ROUNDS:
        return now >= until
    pace = (rounds - 1) / max(1e-6, now - first_end)
    return rounds + pace * (until - now) < ROOT_ROUNDS


@dataclass
class ColgenStart:
    """What :func:`colgen_start` found: a bound, and a plan when the root converged (or
    under :data:`DIVE_UNCONVERGED`)."""

    bound: float
    """The root's best Lagrangian bound (``-inf`` when no pricing round completed)."""
    converged: bool
    dive: ColgenDive | None


def colgen_start(problem: Problem, root_until: float, until: float, workers: int = 1,
                 stop=None) -> ColgenStart:
    """The root's bound by ``root_until`` and, when its column generation converged by
    then (or, under :data:`DIVE_UNCONVERGED`, when its master has an LP at all), a
    dive's plan by ``until`` (:func:`colgen_dive`): the warm start of
    :func:`solver.solve` on problems where :func:`applicable`. The root gives up when its
    pace would fit fewer than ``ROOT_ROUNDS`` pricing rounds by ``root_until``
    (:func:`pace_gives_up`). ``stop`` (a callable) is polled between rounds."""
    t0 = time.perf_counter()
    master = _Master(problem)
    first: list[float] = []  # when the first round ended

    def give_up(rounds: int, _best: float) -> bool:
        now = time.perf_counter()
        if rounds == 1:
            first.append(now)
        return pace_gives_up(rounds, first[0], now, root_until)

    root, converged, _ = master.generate(root_until, workers, stop=stop, give_up=give_up)
    if (not (converged or (DIVE_UNCONVERGED and master.lp_value is not None))
            or (stop is not None and stop())):
        return ColgenStart(root, False, None)
    now = time.perf_counter()
    dive_until = now + (1 - FINISH_TIME) * max(0.0, until - now)
    return ColgenStart(root, converged, _dive(problem, master, root, t0, dive_until, until, workers,
                                         DIVE_SHARE, FINISH_SHARE, DIVE_ROUNDS, stop))


def _dive(problem: Problem, master: _Master, root: float, t0: float, dive_until: float,
          deadline: float, workers: int, share: float, finish: float, rounds: int,
          stop=None) -> ColgenDive | None:
    """Price and fix from the root's master (:func:`colgen_dive`), at most ``rounds``
    pricing rounds after each step (0: until convergence)."""
    if master.lp_value is None and not master.solve_lp():
        return None
    fixed: dict[str, int] = {}
    steps = 0
    heaviest: dict[str, int] = {}
    while True:
        heaviest = {pid: max(master.by_person[pid], key=lambda i: master.columns[i][2].solution_value())
                    for pid in master.pricers if pid not in fixed and master.by_person[pid]}
        if len(heaviest) + len(fixed) < len(master.pricers):
            return None  # a person with no roster at all
        if (len(heaviest) <= finish * len(master.pricers) or time.perf_counter() >= dive_until
                or (stop is not None and stop())):
            break
        weight = {pid: master.columns[i][2].solution_value() for pid, i in heaviest.items()}
        pick = [pid for pid, w in weight.items() if w > 0.99]
        if not pick:
            k = max(1, int(share * len(master.pricers)))
            pick = sorted(weight, key=lambda pid: -weight[pid])[:k]
        for pid in pick:
            fixed[pid] = heaviest[pid]
            for j in master.by_person[pid]:
                master.columns[j][2].SetUb(0)
            master.columns[heaviest[pid]][2].SetBounds(1, 1)
        steps += 1
        if not master.solve_lp():
            return None
        free = set(master.pricers) - set(fixed)
        if free and time.perf_counter() < dive_until:
            master.generate(dive_until, workers, people=free, stop=stop, max_rounds=rounds)
            if not master.solve_lp():
                return None
    rosters = {pid: master.columns[i][1] for pid, i in fixed.items()}
    rosters.update({pid: master.columns[i][1] for pid, i in heaviest.items()})
    costs = {pid: master.columns[i][3] for pid, i in {**fixed, **heaviest}.items()}
    pairs = tuple((pid, did) for pid, col in rosters.items() for did in col)
    objective = _count(master, rosters, costs)
    if objective > math.ceil(root - 1e-6):  # not proven optimal yet
        finished = _finish(problem, rosters, set(heaviest), deadline - time.perf_counter(), workers)
        if finished is not None and finished[1] < objective:
            pairs, objective = finished
    return ColgenDive(assignments=pairs, objective=objective, root_bound=root, fixed_steps=steps,
                      seconds=time.perf_counter() - t0, free_at_finish=len(heaviest))


def _count(master: _Master, rosters: dict[str, frozenset[str]], costs: dict[str, int]) -> int:
    """The objective of one roster per person as the master counts it."""
    counts: dict[str, int] = defaultdict(int)
    total = master.fixed_cost + sum(costs.values())
    for col in rosters.values():
        for did in col:
            counts[did] += 1
    for did, duty in master.duties.items():
        dm, n = duty.demand, counts[did]
        base, peak = split_missing(duty, n)
        total += base * dm.under_weight + peak * dm.peak_weight
        total += dm.over_weight * max(0, n - dm.required - dm.peak_required)
    return int(round(total))


def _finish(problem: Problem, rosters: dict[str, frozenset[str]], free: set[str],
            seconds: float, workers: int):
    """CP-SAT on the whole model, people outside ``free`` fixed to their roster, everyone
    hinted with theirs: ((person, duty) pairs, objective) of its best plan, or None."""
    if seconds <= 0.05:
        return None
    m = build_model(problem)
    for (pid, did), var in m.x.items():
        if m.duties[did].busy:
            continue
        held = int(did in rosters.get(pid, ()))
        m.model.add_hint(var, held)
        if pid not in free:
            m.model.add(var == held)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.max_time_in_seconds = seconds
    if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    pairs = tuple(k for k, var in m.x.items() if solver.boolean_value(var))
    # the plan's own objective: on a model with most people fixed, CP-SAT's reported
    # objective_value was seen above that of the solution it returned (h05: 6 309 for a
    # plan of 5 190), so it is recomputed from the plan
    return pairs, evaluate(problem, pairs, ()).objective
