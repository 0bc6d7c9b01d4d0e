"""Column generation's pricing by dynamic programming (:mod:`solver.colgen`).

A person's pricing problem (their cheapest roster once each duty is worth the master's
dual) is solved by CP-SAT on their own model. This module answers most of them first,
in milliseconds, with a dynamic programme over the person's days
(:func:`solver.dp_kernel.best_roster`):

* **exact in its state:** one duty a day, forbidden successions and minimum rest between
  consecutive days (history included), the maximum and minimum work and off runs (history
  and the horizon-edge exemptions), the contract's total minutes (in units of the gcd of
  the duty lengths, when at most ``MAX_MINUTE_UNITS``), the maximum number of weekends
  (when every weekend is a run of consecutive days);
* **priced by Lagrange multipliers:** the shift-type limits (and the total minutes or
  weekends when they are not in the state), adjusted by a few subgradient steps and kept
  from one call to the next;
* **left out:** every other rule (weekly minutes, ...), so the programme is a relaxation.

Its optimum is therefore a lower bound of the person's pricing problem (the multipliers'
constant subtracted), and a roster it returns is kept only when it passes every hard rule
of :mod:`solver.roster` and the contract minimum. When that roster's cost equals the
bound, it is the pricing problem's optimum; when the bound alone shows no roster of
negative reduced cost, no column is missing. Only the people left are priced by CP-SAT,
so the column generation is as exact as before
(``tests/solver/test_dp_pricing.py`` compares it with CP-SAT on random people).
Measured in BENCHMARKS.md section 7, "2026-12-07, 16:05-18:30 UTC".

The person sweep (:mod:`solver.sweep`, :data:`solver.sweep.DP_SWEEP`) asks the same
question with the coverage the others leave as the per-duty values, and uses the
answer the same way.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from solver.problem import Problem
from solver.roster import Roster

INF = 1e18
"""No roster (the kernel's own infinity, :data:`solver.dp_kernel.INF`)."""

MAX_MINUTE_UNITS = 400
"""The horizon's minutes are part of the state only up to this many units."""

MAX_STATES = 16_000_000
"""Most work states of one programme (days x duties a day x run lengths x 2 x minute
units x weekend states; 8 + 4 bytes each, so at most 192 MB per pricing thread): beyond
it the weekends, then the minutes, leave the state for multipliers. At 4 000 000 the
weekends of h12 (63 x 45 x 6) left the state and the programme settled 28 % of the
pricing problems (root 211 s against CP-SAT's 225 s); at 16 000 000, 83 % (126 s)."""

_local = threading.local()


def _buffers(shape_w: tuple, shape_o: tuple):
    """This thread's work arrays, grown as needed, reshaped (contiguous) for one call."""
    nw, no = math.prod(shape_w), math.prod(shape_o)
    have = getattr(_local, "bufs", None)
    if have is None or have[0].size < nw or have[2].size < no:
        nw = max(nw, have[0].size if have else 0)
        no = max(no, have[2].size if have else 0)
        have = (np.empty(nw), np.empty(nw, dtype=np.int32), np.empty(no), np.empty(no, dtype=np.int32))
        _local.bufs = have
    nw, no = math.prod(shape_w), math.prod(shape_o)
    return (have[0][:nw].reshape(shape_w), have[1][:nw].reshape(shape_w),
            have[2][:no].reshape(shape_o), have[3][:no].reshape(shape_o))


def unsupported(problem: Problem, pid: str, duties) -> str | None:
    """Why the programme does not price ``pid`` (CP-SAT does), or None."""
    person = next(p for p in problem.people if p.id == pid)
    if person.params:
        return "rule parameters of the catalog"
    if person.max_consecutive_days == 0:
        return "no day may be worked (the state needs a run of at least one)"
    if any(d.busy for d in duties):
        return "duties held elsewhere"
    if any(f[0] == pid for f in problem.fixed):
        return "fixed assignments"
    return None


class PersonDP:
    """One person's programme; :meth:`price` is called once per pricing round."""

    def __init__(self, problem: Problem, pid: str, duties) -> None:
        self.problem = problem
        self.p = p = next(q for q in problem.people if q.id == pid)
        n = self.n = problem.num_days
        rules = problem.rules
        self.days: list[list] = [[] for _ in range(n)]
        for d in duties:
            self.days[d.day].append(d)
        self.ids = [x.id for day in self.days for x in day]
        self.start = np.zeros(n + 1, dtype=np.int64)
        for d in range(n):
            self.start[d + 1] = self.start[d] + len(self.days[d])
        self.duties = flat = [x for day in self.days for x in day]
        """The person's duties in :attr:`ids` order."""
        self.at = {x.id: (x.day, j) for day in self.days for j, x in enumerate(day)}
        self.types = sorted({d.shift_type for d in duties})
        tix = {t: i for i, t in enumerate(self.types)}
        self.f_type = np.array([tix[x.shift_type] for x in flat], dtype=np.int64)
        self.f_min = np.array([x.minutes for x in flat], dtype=np.float64)
        self.weekend_of = {d: k for k, ds in enumerate(problem.weekends) for d in ds}
        self.week_of = {d: k for k, ds in enumerate(problem.weeks) for d in ds}
        self.f_we = np.array([self.weekend_of.get(x.day, -1) for x in flat], dtype=np.int64)
        sizes = [len(ds) for ds in problem.weekends]
        self.we_len = np.array([sizes[k] if k >= 0 else 1 for k in self.f_we.tolist()], dtype=np.float64)
        self._successions(rules)
        self._own_costs(problem, pid)
        self._sequences(rules)
        self._minutes(duties)
        self._weekends(problem)
        jmax = max([len(day) for day in self.days] + [1])
        if n * jmax * self.R * 2 * self.M * self.E > MAX_STATES:
            self._weekends(problem, keep=False)
        if n * jmax * self.R * 2 * self.M * self.E > MAX_STATES:
            self._minutes(duties, keep=False)
        # shift-type limits, priced
        self.tlim = np.array([p.max_per_shift_type.get(t, -1) for t in self.types], dtype=np.float64)
        self.limited = self.tlim >= 0
        self.lam_t = np.zeros(len(self.types))
        self.lam_hi = self.lam_lo = self.lam_we = 0.0

    def _successions(self, rules) -> None:
        """Which duty may follow which on the next day (and on day 0, after the history)."""
        p, rest, forb = self.p, rules.min_rest_minutes, rules.forbidden_successions

        def follows(end, kind, y) -> bool:
            if kind is not None and (kind, y.shift_type) in forb:
                return False
            return end is None or not (y.start < end or (rest and y.start - end < rest))

        comp = []
        self.cstart = np.zeros(max(self.n, 1), dtype=np.int64)
        for d in range(self.n - 1):
            self.cstart[d + 1] = self.cstart[d] + len(self.days[d]) * len(self.days[d + 1])
            comp.extend(follows(x.end, x.shift_type, y) for x in self.days[d] for y in self.days[d + 1])
        self.compat = np.array(comp + [False], dtype=np.bool_)
        first = self.days[0] if self.n else []
        self.ok0 = np.array([follows(p.history_last_end, p.history_last_shift_type, y) for y in first]
                            + [False], dtype=np.bool_)

    def _own_costs(self, problem: Problem, pid: str) -> None:
        """Requests, backup use and continuity: the person's own penalties."""
        w = problem.rules.weights
        self.work_cost = np.zeros(len(self.ids))
        self.off_cost = np.zeros(max(self.n, 1))
        for r in problem.requests:
            if r.person != pid or r.weight <= 0:
                continue
            a = self.start[r.day]
            about = np.array([r.about(x) for x in self.days[r.day]], dtype=bool)
            if r.work:
                self.off_cost[r.day] += r.weight
                self.work_cost[a:a + len(about)] += r.weight * (~about)
            else:
                self.work_cost[a:a + len(about)] += r.weight * about
        if self.p.is_backup and w.backup_use > 0:
            self.work_cost += w.backup_use
        self.cont = w.continuity
        sw = []
        for d in range(self.n - 1):
            sw.extend(float(self.cont) * (x.group != y.group) if self.cont > 0 else 0.0
                      for x in self.days[d] for y in self.days[d + 1])
        self.switch = np.array(sw + [0.0])

    def _sequences(self, rules) -> None:
        p = self.p
        known = p.history_consecutive_days is not None or p.history_consecutive_days_off is not None
        self.exempt = rules.exempt_horizon_edges
        self.least = p.min_consecutive_days if (p.min_consecutive_days or 0) > 1 else 0
        self.least_off = p.min_consecutive_days_off if (p.min_consecutive_days_off or 0) > 1 else 0
        self.maxrun = p.max_consecutive_days
        self.R = self.maxrun if self.maxrun is not None else max(self.least, 1)
        self.O = max(self.least_off, 1)
        self.start_exempt = (not known) and self.exempt
        self.r0 = 1 + (p.history_consecutive_days or 0)
        self.o0 = 1 + ((p.history_consecutive_days_off or 0) if known else 0)
        if self.maxrun is not None and self.r0 > self.maxrun:
            self.ok0[:] = False  # the run carried in is already at its maximum

    def _minutes(self, duties, keep: bool = True) -> None:
        """The horizon's minutes in the state, in units of the duty lengths' gcd (unless
        not ``keep``: then priced by multipliers)."""
        p = self.p
        g = 0
        for x in duties:
            g = math.gcd(g, int(x.minutes))
        g = g or 1
        top = sum(max((x.minutes for x in day), default=0) for day in self.days)
        hi = top if p.max_minutes is None else min(top, p.max_minutes)
        self.M = max(hi, 0) // g + 1
        self.mlo = 0 if not p.min_minutes else -(-p.min_minutes // g)
        self.exact_minutes = (keep and bool(p.max_minutes is not None or p.min_minutes)
                              and self.M <= MAX_MINUTE_UNITS)
        if self.exact_minutes:
            self.u = np.array([x.minutes // g for day in self.days for x in day] + [0], dtype=np.int64)
        else:
            self.M, self.mlo = 1, 0
            self.u = np.zeros(len(self.ids) + 1, dtype=np.int64)
        umax = np.array([max([int(self.u[self.start[d] + j]) for j in range(len(self.days[d]))] + [0])
                         for d in range(self.n)], dtype=np.int64)
        after = np.concatenate([np.cumsum(umax[::-1])[::-1][1:], [0]]) if self.n else umax
        self.hi = np.minimum(np.cumsum(umax), self.M - 1).astype(np.int64)
        self.lo = np.maximum(0, self.mlo - after).astype(np.int64)

    def _weekends(self, problem: Problem, keep: bool = True) -> None:
        """The weekends worked in the state when every weekend is a run of days, in order
        (and ``keep``); else priced by a multiplier."""
        p, n = self.p, self.n
        self.K, self.E = 0, 1
        self.wd = np.full(max(n, 1), -1, dtype=np.int64)
        self.neww = np.zeros(max(n, 1), dtype=np.bool_)
        wes = [sorted(ds) for ds in problem.weekends]
        days = [d for ds in wes for d in ds]
        runs = all(ds == list(range(ds[0], ds[0] + len(ds))) for ds in wes if ds)
        if (not keep or p.max_weekends is None or not runs or days != sorted(set(days))
                or sum(1 for ds in wes if ds) <= p.max_weekends):
            return
        self.K, self.E = p.max_weekends, 2 * (p.max_weekends + 1)
        for k, ds in enumerate(wes):
            for i, d in enumerate(ds):
                if 0 <= d < n:
                    self.wd[d] = k
                    self.neww[d] = i == 0 or d == 0

    def _best(self, cost: np.ndarray):
        """(plan, value): the cheapest roster of the relaxation at these per-duty costs;
        (None, INF) when it has none."""
        from solver.dp_kernel import best_roster, trace  # numba compiles them once (cached on disk)

        n = self.n
        jmax = max([len(day) for day in self.days] + [1])
        W, BW, OF, BO = _buffers((n, jmax, self.R, 2, self.M, self.E), (n, self.O, 2, self.M, self.E))
        ends_v = np.empty(self.M)
        ends_s = np.zeros((self.M, 5), dtype=np.int64)
        val = best_roster(n, self.start, self.u, np.append(np.minimum(cost, INF / 4), 0.0),
                          self.off_cost, self.cstart, self.compat, self.switch, self.ok0,
                          self.R, self.O, self.M, self.E, self.K, self.wd, self.neww,
                          self.least, self.least_off, self.maxrun is None,
                          1 if self.start_exempt else 0, self.r0, self.o0, self.exempt,
                          self.mlo, self.lo, self.hi, W, BW, OF, BO, ends_v, ends_s)
        if val >= INF / 2:
            return None, INF
        m = int(np.argmin(ends_v))
        plan = np.full(n, -1, dtype=np.int64)
        kind, j, r, s, e = (int(v) for v in ends_s[m])
        trace(n, self.start, self.u, self.R, self.E, BW, BO, kind, j, r, s, m, e, plan)
        return plan, val

    def _measure(self, plan: np.ndarray, base: np.ndarray):
        """(duty indices, cost at ``base``, count per type, minutes, weekends worked)."""
        idx = self.start[:-1][plan >= 0] + plan[plan >= 0]
        true = float(base[idx].sum() + self.off_cost[:self.n][plan < 0].sum())
        if self.cont > 0:
            true += sum(self.switch[self.cstart[d] + plan[d] * len(self.days[d + 1]) + plan[d + 1]]
                        for d in range(self.n - 1) if plan[d] >= 0 and plan[d + 1] >= 0)
        cnt = np.bincount(self.f_type[idx], minlength=len(self.types))
        return idx, true, cnt, float(self.f_min[idx].sum()), len(set(self.f_we[idx].tolist()) - {-1})

    def cost(self, ids, values: np.ndarray) -> float:
        """What the roster of duty ids ``ids`` costs the person at ``values`` (added to
        each duty's own cost, in :attr:`ids` order): the objective :meth:`price` gives
        its rosters."""
        plan = np.full(self.n, -1, dtype=np.int64)
        for did in ids:
            d, j = self.at[did]
            plan[d] = j
        return self._measure(plan, self.work_cost + values)[1]

    def price(self, values: np.ndarray, iters: int):
        """At ``values`` (added to each duty's own cost, in :attr:`ids` order): (lower
        bound of the pricing problem, (duty ids, cost) of the best roster found that
        keeps every hard rule, or None); None when the relaxation has no roster at all.
        At most ``iters`` programmes (subgradient steps on the multipliers between them);
        it stops once the roster found meets the bound."""
        if self.n == 0:
            return None
        p = self.p
        base = self.work_cost + values
        step0 = max(1.0, float(np.abs(base).mean())) if base.size else 1.0
        per_min = 1.0 / max(1.0, float(self.f_min.mean()) if self.f_min.size else 1.0)
        bound, best = -INF, None
        for it in range(max(1, iters)):
            lam_t = np.where(self.limited, self.lam_t, 0.0)
            cost = base + lam_t[self.f_type]
            const = float((lam_t * np.where(self.limited, self.tlim, 0.0)).sum())
            if not self.exact_minutes:
                if p.max_minutes is not None:
                    cost = cost + self.lam_hi * self.f_min
                    const += self.lam_hi * p.max_minutes
                if p.min_minutes:
                    cost = cost - self.lam_lo * self.f_min
                    const -= self.lam_lo * p.min_minutes
            if p.max_weekends is not None and self.E == 1 and self.lam_we:
                # a weekend's price shared among its days: at most its price when worked
                cost = cost + self.lam_we * (self.f_we >= 0) / self.we_len
                const += self.lam_we * p.max_weekends
            plan, val = self._best(cost)
            if plan is None:
                return None
            bound = max(bound, val - const)
            idx, true, cnt, tot, nwe = self._measure(plan, base)
            if (best is None or true < best[1]) and self._valid(plan, cnt, tot, nwe):
                best = (idx, true)
            if best is not None and best[1] <= bound + 1e-7:
                break
            step = step0 / (1 + it)
            over = cnt - self.tlim
            self.lam_t = np.maximum(0.0, self.lam_t + step * np.where(over > 0, 1.0, np.where(over < 0, -0.3, 0.0)))
            if not self.exact_minutes:
                if p.max_minutes is not None:
                    self.lam_hi = max(0.0, self.lam_hi + step * per_min * (1.0 if tot > p.max_minutes else -0.3))
                if p.min_minutes:
                    self.lam_lo = max(0.0, self.lam_lo + step * per_min * (1.0 if tot < p.min_minutes else -0.3))
            if p.max_weekends is not None and self.E == 1:
                self.lam_we = max(0.0, self.lam_we + step * (1.0 if nwe > p.max_weekends else -0.3))
        if best is None:
            return bound, None
        return bound, ([self.ids[i] for i in best[0].tolist()], best[1])

    def _valid(self, plan: np.ndarray, cnt: np.ndarray, tot: float, nwe: int) -> bool:
        """Every hard rule of the person (:mod:`solver.roster`), the counters first."""
        p = self.p
        if np.any(self.limited & (cnt > self.tlim)):
            return False
        if (p.max_minutes is not None and tot > p.max_minutes) or (p.min_minutes and tot < p.min_minutes):
            return False
        if p.max_weekends is not None and nwe > p.max_weekends:
            return False
        r = Roster(p, self.problem, self.week_of, self.weekend_of)
        for d, j in enumerate(plan.tolist()):
            if j >= 0:
                r.add(self.days[d][j], frozenset())
        return r.valid()
