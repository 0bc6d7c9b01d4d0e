"""Search a built model: a plain CP-SAT phase, then a large-neighbourhood search (LNS).

1. **Plain phase**: CP-SAT with all workers, warm-started by the model's hint (the
   greedy plan or a previous plan), for ``first_fraction`` of the budget and at least
   until a first plan exists. If it proves optimality (small problems) we are done.
   With two or more workers a **probe** follows (:func:`_probe`): the LNS runs for
   ``probe`` of the budget; if the plain phase had gained more over as long just
   before, it resumes from the incumbent and yields once it gains less than the LNS
   did. On some small models whole-model CP-SAT stays far faster for half the budget.
   Where the objective has fairness spreads and the bound's tail takes every worker
   (:func:`solver.bound.whole_first`), the plain phase instead runs up to the tail's
   switch, and neither the probe nor the LNS runs.
2. **LNS phase**: ``workers`` threads share one incumbent. Each owns a copy of the model
   (built once) and loops: pick a neighbourhood of (person, day) cells, fix every other
   duty and on-call variable to the incumbent by narrowing its domain (only domains whose
   fixed value changed are rewritten), hint the whole incumbent, run a 1-worker CP-SAT
   sub-solve with the full LP, and offer the result. CP-SAT releases the GIL, so the
   threads run in parallel. Helper variables (works-day literals, slacks, ...) are never
   fixed: they follow the decision variables, so the objective stays exact.
3. **Neighbourhoods** (:class:`Neighbourhoods`): random people over the whole horizon,
   everyone over a window of days, people x window blocks, the people eligible for a
   duty with a coverage gap around its day (a sample of them when all would exceed the
   kind's size, ``GAP_SAMPLE``, its first person kept, ``GAP_LEAD``; and, when
   ``CHAIN`` is on, a few of them over the whole horizon: taking the gap may mean
   dropping a duty weeks away; when ``REQUEST`` is on, a request not granted, its
   person, the duty's holders and the others eligible around its day).
   Each kind has an adaptive size and a bandit
   picks kinds in proportion to their recent gain per second.

Determinism: with one worker every phase is limited in CP-SAT deterministic time (the
plain phase ``first_fraction x time_limit`` units, each sub-solve ``sub_time`` units)
and all choices come from the seed, so a run is a fixed sequence of iterations; the
wall-time limit only decides where it is cut. With ``deterministic_time`` set (and a wall
limit that does not bite) every budget of Rota's own is deterministic: the warm start's
repair and the hint completion are then limited in deterministic time too
(:mod:`solver.solve`), and neither the sweep, the person step nor the bound worker
(:mod:`solver.bound`) runs. CP-SAT 9.15 itself is not always reproducible from process
to process (its presolve; ``benchmarks/cpsat_determinism.py``), so a run in a fresh
process can still differ from another (BENCHMARKS.md section 7).
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.sat.python import cp_model

from solver import bound as cutoff
from solver.model import ModelBuilder
from solver.params import LNS, LnsSettings, sub_parameters
from solver.person_step import PersonStep, usable
from solver.phases import Shared, hint_phase, plain_phase
from solver.sweep import separable
from solver.result import Progress, SolveOptions
from solver.threads import run_threads

_POLL_SECONDS = 0.05

CHAIN = False
"""Offer the "chain" neighbourhood: a few people eligible for a coverage gap (holders of
a duty above its demand first), each over the whole horizon.

Off: in the same-run A/B of 2026-12-03 (BENCHMARKS.md section 7, "2026-12-03: the LNS's
first neighbourhood size, ...") it was worse on 8 of 14 instance-seed pairs
and better on 5 (h01 worse on all three seeds); switch it on to measure it again."""


REQUEST = False
"""Offer the "request" neighbourhood: a request not granted in the incumbent (a work
request unmet or an off request broken), its person and everyone eligible for the duties
it names on that day, over a window around the day (sized as the "gap" kind's)."""


GAP_LEAD = "first"
"""Under ``GAP_SAMPLE``, whom a sample of the "gap" kind draws first among the people
eligible for the short duty: "first" keeps the first of them (in the duty's order) and
draws the others at random; "none" draws them all at random; "off" draws from the
people off that day in the incumbent first (they can take the duty without dropping one),
then from the others.

"first" stays (BENCHMARKS.md section 7, "2026-12-07 morning"; 60 s, same-run A/Bs).
"off" was better on 7 of 8 instance-seed pairs of g02, g03, g04 and g10 (g10 521 / 566
and 662 / 711), but on h01-h10 (seed 1) better on 5 and worse on 5, and on the hold-out
h06-h10 worse on 3 of 5 (h10 539 against 396, h07 669 / 613, h06 6 330 / 6 108; mean gap
28.1 % against 17.1 %). A guess, not measured: on long thin shapes a gap is closed by
the people working that day trading shift types, and "off" rarely frees them. "none"
was better on g10 (597 / 761, 521 / 757) and worse on g02 and g04 (both seeds)."""


GAP_SAMPLE = True
"""In the "gap" and "request" kinds, free only a sample of the people eligible for the
duty when all of them over the window would exceed the kind's size share (the
requester always kept); off: all of them, however many. On a wide shape (28 x 150 x 8)
a gap's window of at least 3 days freed ~100 eligible people, about 2 400 variables,
five times the other kinds' first size. In the same-run A/B of 2026-12-07 (BENCHMARKS.md
section 7, "2026-12-07"; 60 s, both with ``init_free`` 500) on was better on 8 of 11
instance-seed pairs (g02 7 259 against 8 220, g10 595 / 753, h06 6 182 / 6 706, h08
1 713 / 1 825, Instance12 4 112 / 4 198), worse on 2 (g07 250 / 237, h01 739 / 722), one
level (g10 562 / 563)."""


@dataclass
class Outcome:
    """What :func:`search` found: the best solution vector and how it was reached."""

    code: int
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    events: list[Progress] = field(default_factory=list)
    first: float | None = None
    iterations: int = 0
    improvements: int = 0
    stats: dict = field(default_factory=dict)
    source: str | None = None
    """Where ``bound`` comes from (``SolveResult.bound_source``)."""


def offered_kinds(person: bool) -> tuple[str, ...]:
    """The neighbourhood kinds the bandit picks from: ``CHAIN`` and ``REQUEST`` switch
    theirs on, ``person`` the person step's (:mod:`solver.person_step`)."""
    return tuple(k for k in Neighbourhoods.KINDS if (CHAIN or k != "chain")
                 and (REQUEST or k != "request") and (person or k != "person"))


SHORT = "/short"
"""Suffix of a kind's short-sub-solve arm (``LnsSettings.short_time``)."""


def _base(arm: str) -> str:
    """The neighbourhood kind of a bandit arm ("window/short" -> "window")."""
    return arm.removesuffix(SHORT)


class Neighbourhoods:
    """Adaptive neighbourhoods over the (person, day) grid of one thread.

    ``pick(gaps, surplus, wishes)`` returns (kind, people, days) to free; ``gaps`` lists
    the (day, eligible people) of duties short of people in the incumbent, ``wishes`` the
    (day, requester and the duty's people, how many of them lead) of requests it does not
    grant (:meth:`_Grid.wishes`).
    """

    KINDS = ("people", "window", "block", "gap", "chain", "request", "person")

    def __init__(self, people: list[str], days: int, rng: random.Random,
                 settings: LnsSettings = LNS, kinds: tuple[str, ...] | None = None,
                 variables: int = 0) -> None:
        self.people, self.days, self.rng, self.settings = people, days, rng, settings
        if kinds is None:
            kinds = offered_kinds(person=False)
        if settings.short_time > 0:
            # every sub-solved kind also as an arm with short sub-solves ("window/short"):
            # its own size and score, so the bandit learns which time scale pays
            kinds = kinds + tuple(k + SHORT for k in kinds if k != "person")
        self.kinds = kinds
        self._order: list[str] = []  # "person": everyone in turn, seeded order
        # ``variables``: decision variables of the whole grid (0: unknown, share only)
        start = settings.init_size
        if variables > 0:
            start = max(0.01, min(start, settings.init_free / variables))
        arms = self.KINDS + tuple(k + SHORT for k in self.KINDS)
        self.size = {k: start for k in arms}
        self.score = {k: 1e9 for k in arms}  # optimistic start: every kind is tried
        self.cost = {k: 1.0 for k in arms}  # seconds per call (moving average)
        # with the person kind, the bandit allocates time by measured gain per second
        # (first measure replaces the optimistic start; picks weighted by 1 / cost);
        # without it, the bandit measured before it (see solver.person_step.PERSON_STEP)
        self.by_time = "person" in self.kinds or settings.by_time
        self.best_rate = 0.0
        self.stats = {k: [0, 0, 0] for k in arms}  # calls, finished, improved

    def pick(self, gaps: list[tuple[int, list[str]]], surplus: frozenset[str] = frozenset(),
             wishes: list[tuple[int, list[str], int]] = (), off=None):
        r = self.rng
        kinds = [k for k in self.kinds if (_base(k) not in ("gap", "chain") or gaps)
                 and (_base(k) != "request" or wishes)]
        # picked in proportion to gain per second / seconds per call: each kind's share
        # of the time follows its gain per second, however long one call of it takes
        # (a kind keeps a tenth of the best score: one unlucky first call does not bury it)
        top = max(self.score[k] for k in kinds)
        weight = ({k: max(self.score[k], 0.1 * top) / max(self.cost[k], 0.01) for k in kinds}
                  if self.by_time else {k: self.score[k] for k in kinds})
        x = r.random() * sum(weight.values())
        arm = kinds[-1]
        for k in kinds:
            x -= weight[k]
            if x <= 0:
                arm = k
                break
        return (arm, *self._pick(_base(arm), self.size[arm], gaps, surplus, wishes, off))

    def _pick(self, kind: str, f: float, gaps, surplus, wishes=(), off=None):
        """(people, days) of a neighbourhood of ``kind`` and size share ``f``.

        ``off(day, people)`` gives ``people`` reordered, those off on ``day`` first, and
        how many they are (used under ``GAP_LEAD = "off"``)."""
        r, P, D = self.rng, len(self.people), self.days
        if kind == "person":
            if not self._order:
                self._order = r.sample(self.people, P)
            return [self._order.pop()], range(D)
        if kind == "people":
            return r.sample(self.people, max(1, min(P, round(f * P)))), range(D)
        if kind == "window":
            w = max(2, min(D, round(f * D)))
            s = r.randrange(0, D - w + 1)
            return self.people, range(s, s + w)
        if kind == "chain":
            # a gap a window cannot close: someone eligible for it takes it and drops a
            # duty elsewhere in the horizon (held above its demand, or below a cap)
            day, who = gaps[r.randrange(len(gaps))]
            k = max(1, min(len(who), round(f * P)))
            pool = [p for p in who if p in surplus]
            chosen = r.sample(pool, min(k, len(pool)))
            chosen += r.sample([p for p in who if p not in chosen], k - len(chosen))
            return chosen, range(D)
        if kind in ("gap", "request"):
            # a duty short of people, or a request not granted: the people of the duty
            # (the requester first) around its day
            pool = gaps if kind == "gap" else wishes
            day, who, *lead = pool[r.randrange(len(pool))]
            w = max(3, min(D, round(f * D * max(1.0, P / max(1, len(who))))))
            s = min(max(0, day - w // 2), max(0, D - w))
            k = max(2, round(f * P * D / w))
            if GAP_SAMPLE and len(who) > k:
                # many people eligible: the neighbourhood keeps its size share, its
                # leading people (a request's requester and the duty's holders; a gap's
                # as GAP_LEAD says) and a sample of the others
                if kind == "gap" and GAP_LEAD == "off" and off is not None:
                    who, n = off(day, who)
                    first = r.sample(who[:n], min(k, n))
                    return [*first, *r.sample(who[n:], k - len(first))], range(s, s + w)
                if lead:  # a request: its requester and the duty's holders
                    keep = min(k, lead[0])
                else:  # a gap: its first person under "first"; a bare request: its requester
                    keep = 1 if GAP_LEAD == "first" or kind == "request" else 0
                who = [*who[:keep], *r.sample(who[keep:], k - keep)]
            return who, range(s, s + w)
        # block: share the fraction between people and days, at least a week
        k = max(1, min(P, round(math.sqrt(f) * P * 1.4)))
        w = max(min(D, 7), min(D, round(f * P * D / k)))
        s = r.randrange(0, D - w + 1)
        return r.sample(self.people, k), range(s, s + w)

    def feedback(self, kind: str, finished: bool, improved: bool, gain: float, seconds: float) -> None:
        rate = gain / max(seconds, 1e-3)
        self.best_rate = max(self.best_rate, rate)
        seen = max(rate, 0.05 * self.best_rate, 1e-9)
        # the optimistic start only makes every kind be tried: the first measure replaces
        # it (decaying it by 0.7 a call took ~60 calls, more than a slow model's minute)
        first = self.by_time and self.stats[kind][0] == 0
        self.score[kind] = seen if first else 0.7 * self.score[kind] + 0.3 * seen
        self.cost[kind] = seconds if first else 0.7 * self.cost[kind] + 0.3 * seconds
        if finished:
            self.size[kind] = min(1.0, self.size[kind] * self.settings.grow)
        elif not improved:
            self.size[kind] = max(0.01, self.size[kind] * self.settings.shrink)
        st = self.stats[kind]
        st[0] += 1
        st[1] += finished
        st[2] += improved


class _Grid:
    """Decision-variable indices per (person, day) cell and the coverage bookkeeping."""

    def __init__(self, m: ModelBuilder) -> None:
        n = m.num_days
        cells: dict[tuple[str, int], list[int]] = {}
        for pid, days in m.by_person_day.items():
            for d, pairs in enumerate(days):
                if pairs:
                    cells[(pid, d)] = [v.index for _, v in pairs]
        for pid, items in m.oncall_by_person.items():
            for q, _, var in items:
                # an on-call variable is freed with any day its period covers
                for d in range(max(0, q.first_day), min(n - 1, q.last_day) + 1):
                    cells.setdefault((pid, d), []).append(var.index)
        self.cells = {k: np.array(v, dtype=np.int64) for k, v in cells.items()}
        self.people = sorted({p for p, _ in cells})
        self.days = n
        self.decision = np.array(
            sorted({v.index for v in m.x.values()} | {v.index for v in m.y.values()}), dtype=np.int64)
        # coverage: per duty with a demand, its variables, to find gaps in a plan
        want, flat, seg, info = [], [], [], []
        all_want, all_flat, all_seg, holder = [], [], [], []
        index = {p: i for i, p in enumerate(self.people)}
        for duty in m.problem.duties:
            need = duty.demand.required + duty.demand.peak_required
            row = m.by_duty[duty.id]
            if not row:
                continue
            all_want.append(need)
            all_flat.extend(v.index for _, v in row)
            all_seg.extend([len(all_want) - 1] * len(row))
            holder.extend(index[pid] for pid, _ in row)
            if need <= 0:
                continue
            info.append((duty.day, [pid for pid, _ in row]))
            want.append(need)
            flat.extend(v.index for _, v in row)
            seg.extend([len(info) - 1] * len(row))
        self.want = np.array(want, dtype=np.int64)
        self.flat = np.array(flat, dtype=np.int64)
        self.seg = np.array(seg, dtype=np.int64)
        self.info = info
        self.all_want = np.array(all_want, dtype=np.int64)
        self.all_flat = np.array(all_flat, dtype=np.int64)
        self.all_seg = np.array(all_seg, dtype=np.int64)
        self.holder = np.array(holder, dtype=np.int64)
        # duty variables per (person, day) cell, to tell who is off on a day in a plan
        self.index = index
        w_flat, w_seg = [], []
        for pid, days in m.by_person_day.items():
            for d, pairs in enumerate(days):
                if pairs:  # someone with no duty at all has no cell (nor an index)
                    w_flat.extend(v.index for _, v in pairs)
                    w_seg.extend([index[pid] * n + d] * len(pairs))
        self.w_flat = np.array(w_flat, dtype=np.int64)
        self.w_seg = np.array(w_seg, dtype=np.int64)
        # requests: per weighted request, its matching duty variables, to find the ones
        # not granted in a plan, and who could change that (requester first)
        duty_people = {d.id: [pid for pid, _ in m.by_duty[d.id]] for d in m.problem.duties}
        asks, r_flat, r_seg, r_work = [], [], [], []
        h_flat, h_seg, h_rank = [], [], []
        for q in m.problem.requests:
            if q.weight <= 0 or q.person not in m.by_person_day or not 0 <= q.day < n:
                continue
            pairs = [(duty, v) for duty, v in m.by_person_day[q.person][q.day]
                     if not duty.busy and q.about(duty)]
            if not pairs:
                continue
            who = [q.person] + sorted({p for duty, _ in pairs for p in duty_people.get(duty.id, ())}
                                      - {q.person})
            asks.append((q.day, who))
            r_flat.extend(v.index for _, v in pairs)
            r_seg.extend([len(asks) - 1] * len(pairs))
            r_work.append(q.work)
            if q.work:
                # the others holding a duty the person asks to work: one of them must let it go
                rank = {p: i for i, p in enumerate(who)}
                for duty, _ in pairs:
                    for pid, v in m.by_duty[duty.id]:
                        if pid != q.person:
                            h_flat.append(v.index)
                            h_seg.append(len(asks) - 1)
                            h_rank.append(rank[pid])
        self.asks = asks
        self.r_flat = np.array(r_flat, dtype=np.int64)
        self.r_seg = np.array(r_seg, dtype=np.int64)
        self.r_work = np.array(r_work, dtype=bool)
        self.h_flat = np.array(h_flat, dtype=np.int64)
        self.h_seg = np.array(h_seg, dtype=np.int64)
        self.h_rank = np.array(h_rank, dtype=np.int64)

    def surplus(self, values: np.ndarray) -> frozenset[str]:
        """People holding a duty that has more holders than its demand in ``values``."""
        if not len(self.all_want):
            return frozenset()
        on = values[self.all_flat] > 0
        got = np.bincount(self.all_seg, weights=on, minlength=len(self.all_want))
        mask = (got > self.all_want)[self.all_seg] & on
        return frozenset(self.people[i] for i in np.unique(self.holder[mask]).tolist())

    def gaps(self, values: np.ndarray) -> list[tuple[int, list[str]]]:
        if not self.info:
            return []
        got = np.bincount(self.seg, weights=values[self.flat], minlength=len(self.info))
        return [self.info[i] for i in np.nonzero(got < self.want)[0].tolist()]

    def off_first(self, values: np.ndarray, day: int, who: list[str]) -> tuple[list[str], int]:
        """``who`` with the people off on ``day`` in ``values`` first, and how many they are."""
        works = np.bincount(self.w_seg, weights=values[self.w_flat],
                            minlength=len(self.people) * self.days)
        n = self.days
        off = [p for p in who if p in self.index and not works[self.index[p] * n + day]]
        rest = set(off)
        return off + [p for p in who if p not in rest], len(off)

    def wishes(self, values: np.ndarray) -> list[tuple[int, list[str], int]]:
        """(day, people, lead) of every request ``values`` does not grant: the requester
        first, then (a work request) the people holding the duty asked for in ``values``,
        then the others eligible for it; ``lead`` counts the requester and those holders."""
        if not self.asks:
            return []
        got = np.bincount(self.r_seg, weights=values[self.r_flat], minlength=len(self.asks)) > 0
        held: dict[int, list[int]] = {}
        if len(self.h_flat):
            on = values[self.h_flat] > 0
            for i, rank in zip(self.h_seg[on].tolist(), self.h_rank[on].tolist()):
                held.setdefault(i, []).append(rank)
        out = []
        for i in np.nonzero(got != self.r_work)[0].tolist():
            day, who = self.asks[i]
            ranks = sorted(set(held.get(i, ())))
            if ranks:
                lead = set(ranks)
                who = [who[0], *(who[j] for j in ranks),
                       *(p for j, p in enumerate(who) if j and j not in lead)]
            out.append((day, who, 1 + len(ranks)))
        return out

    def free(self, who, when) -> np.ndarray:
        parts = [self.cells[(p, d)] for p in who for d in when if (p, d) in self.cells]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

def capped_variables(m: ModelBuilder, grid: _Grid) -> int:
    """The decision variables the first neighbourhoods' ``init_free`` cap is a share of,
    or 0 for no cap.

    Capped only where the objective is a sum of per-person and per-duty terms: with
    fairness spreads across people the cap lost on generated MSP scenarios (400
    technicians x 4 weeks: 65 -> 78, 94 -> 110; BENCHMARKS.md section 7, 2026-12-03).
    """
    return len(grid.decision) if separable(m.problem) else 0


def search(m: ModelBuilder, options: SolveOptions, started: float,
           settings: LnsSettings = LNS, *, known: tuple[float, str] | None = None) -> Outcome:
    """Plain CP-SAT then LNS on the built model ``m`` within ``options.time_limit``.

    ``known``: (bound, its source) proven before the search; the search ends once its
    plan reaches it.

    The model's domains are narrowed in place during the search (``m`` is meant to be
    discarded afterwards); values are indexed by variable index.
    """
    deadline = started + float(options.time_limit)
    shared = Shared(options, started)
    if known is not None:
        shared.known_bound = known[0]
    done = threading.Event()
    stop = options.stop

    def poll() -> None:
        # solution callbacks only run on new plans; this thread covers the time between
        while not done.wait(_POLL_SECONDS):
            with shared.lock:
                plain = shared.plain
                if plain is not None and shared.plain_should_yield(time.perf_counter()):
                    plain.stop_search()
            if stop is None:
                continue
            try:
                if stop():
                    shared.halt()
                    return
            except BaseException as exc:  # noqa: BLE001
                shared.error = exc
                shared.halt()
                return

    poller = threading.Thread(target=poll, name="rota-poll", daemon=True)
    poller.start()
    try:
        hint_phase(m, options, shared, deadline)
        huge = len(m.model.proto.variables) >= settings.huge_variables
        if huge and shared.values is not None:
            code = cp_model.FEASIBLE  # the constructive plan is valid: straight to the LNS
        else:
            plain = replace(options, workers=1) if huge else options  # half the memory
            if cutoff.whole_first(m, options):
                # spreads across everyone: the whole model until the bound's switch, no LNS
                left = deadline - cutoff.BOUND_SHARE * float(options.time_limit) - time.perf_counter()
                settings = replace(settings, probe=0.0,
                                   first_fraction=max(0.0, left) / float(options.time_limit))
            code = plain_phase(m, plain, shared, deadline, settings)
        out = Outcome(code, None, None, None)

        def open_() -> bool:  # a plan exists and is not proven optimal
            return (shared.values is not None and code != cp_model.OPTIMAL
                    and not shared.halted and shared.obj > shared.lower())

        if open_():
            code = out.code = _probe(m, options, shared, deadline, settings, out, huge)
        if open_():
            _lns_phase(m, options, shared, deadline, settings, out)
    finally:
        done.set()
        poller.join()
    if shared.error is not None:
        raise shared.error
    out.values, out.events, out.first = shared.values, shared.events, shared.first
    if shared.values is not None:
        out.objective = shared.obj
        # every penalty is non-negative: 0 is a valid bound when none better was proven
        out.bound = max(0.0, shared.lower())
        if known is not None and known[0] > max(shared.bound, shared.cut_bound, 0.0):
            out.source = known[1]
        elif shared.cut_bound > max(shared.bound, 0.0):
            out.source = cutoff.SOURCE
        else:
            out.source = "cp-sat" if out.bound > 0 else "non-negative penalties"
        if out.objective <= math.ceil(out.bound - 1e-6):
            out.code = cp_model.OPTIMAL
        elif out.code not in (cp_model.OPTIMAL,):
            out.code = cp_model.FEASIBLE
    return out


def _probe(m: ModelBuilder, options: SolveOptions, shared: Shared, deadline: float,
           settings: LnsSettings, out: Outcome, huge: bool) -> int:
    """Which is faster now, the LNS or CP-SAT on the whole model? Run the LNS for
    ``probe`` of the budget and compare its gain with the plain phase's over as long just
    before it stopped; if the plain phase was faster, resume it from the incumbent until
    it gains less than the LNS did. Returns the plain phase's status (FEASIBLE when it
    did not resume). Only with two or more workers and no deterministic limit."""
    span = settings.probe * float(options.time_limit)
    if (span <= 0 or huge or int(options.workers) < 2 or options.deterministic_time is not None
            or deadline - time.perf_counter() < 3 * span):
        return cp_model.FEASIBLE
    plain_gain = shared.gain_since(span)
    t0, (_, before, _) = time.perf_counter(), shared.get()
    _lns_phase(m, options, shared, deadline, settings, out, until=t0 + span, keep=True)
    lns_gain = before - shared.get()[1]
    seconds = max(time.perf_counter() - t0, 1e-3)
    out.stats["probe"] = {"plain": plain_gain, "lns": lns_gain, "seconds": round(seconds, 2)}
    lns_per_span = lns_gain * span / seconds  # the LNS's gain over as long as the plain's
    if plain_gain <= lns_per_span or shared.halted or shared.obj <= shared.lower():
        return cp_model.FEASIBLE
    resume = ((settings.resume_stall * span, 0.0) if settings.resume_stall > 0
              else (span, max(1.0, lns_per_span)))
    code = plain_phase(m, options, shared, deadline, settings, resume=resume)
    out.stats["probe"]["resumed"] = round(time.perf_counter() - t0 - seconds, 2)
    return code


def _lns_phase(m: ModelBuilder, options: SolveOptions, shared: Shared, deadline: float,
               settings: LnsSettings, out: Outcome, until: float = math.inf,
               keep: bool = False) -> None:
    """LNS threads until ``deadline`` (or ``until``: the probe, which ``keep``s the
    model ``m`` intact for a later whole-model solve: every thread works on a copy)."""
    grid = _Grid(m)
    threads_n = max(1, int(options.workers))
    huge = len(m.model.proto.variables) >= settings.huge_variables
    if huge:
        threads_n = min(threads_n, settings.huge_threads)
    one = threads_n == 1
    dtime_left = [math.inf if options.deterministic_time is None
                  else float(options.deterministic_time) - shared.dtime]
    lock = threading.Lock()
    stats: dict[str, list[int]] = {}

    det = options.deterministic_time is not None
    # with two or more workers, a bound is proven on the incumbent's cut-off model
    # (solver.bound) at the end of the budget; never under a deterministic limit
    _, ub, _ = shared.get()
    bounder = (cutoff.BOUND_SHARE > 0 and threads_n >= 2 and not det and not huge
               and until == math.inf and cutoff.useful(m, ub))
    base = m.model.clone() if bounder else None
    # the LNS threads turn to the bound for the last BOUND_SHARE of the budget, when the
    # incumbent (hence the cut-off model) is good: all of them into one CP-SAT solve
    # (BOUND_WORKERS >= 2), or only the last one
    switch = deadline - cutoff.BOUND_SHARE * float(options.time_limit)
    # every thread turns to the bound at the switch (not on the largest models, where the
    # whole-model solve improves nothing and the LNS still does)
    tail = cutoff.every_worker(m)
    # copies are taken before any thread narrows the domains of the original
    models = [m.model.clone() if keep else m.model] + [m.model.clone() for _ in range(threads_n - 1)]
    step = PersonStep(m) if usable(m, det) else None
    capped = capped_variables(m, grid)
    kinds = offered_kinds(person=step is not None)

    def worker(tid: int, until: float = math.inf) -> None:
        rng = random.Random(int(options.seed) * 1000 + tid)
        hood = Neighbourhoods(grid.people, grid.days, rng, settings, kinds, capped)
        model = models[tid]
        proto = model.proto
        n = len(proto.variables)
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(range(n))
        dom = proto.variables
        dec = grid.decision
        fixed = np.full(n, -1, dtype=np.int64)  # value each decision variable is fixed to
        sub = cp_model.CpSolver()
        sub_parameters(sub.parameters, settings)
        if huge:
            # presolve of a >1 M-variable model outlasts any sub-solve limit
            sub.parameters.cp_model_presolve = False
        seen = -1
        limit, short = settings.sub_time, settings.short_time
        while not shared.halted and time.perf_counter() < until:
            left = min(deadline, until) - time.perf_counter()
            if left < 0.1 or dtime_left[0] <= 0:
                break
            values, obj, version = shared.get()
            if obj <= shared.lower():
                break
            gaps = grid.gaps(values)
            kind, who, when = hood.pick(gaps, grid.surplus(values) if gaps and "chain" in hood.kinds
                                        else frozenset(),
                                        grid.wishes(values) if "request" in hood.kinds else [],
                                        lambda day, people: grid.off_first(values, day, people))
            if kind == "person":
                ts = time.perf_counter()
                duties = step.replan(values, who[0], min(limit, left), rng.randrange(1 << 30))
                improved, gain = False, 0.0
                if duties is not None:
                    latest, now, _ = shared.get()  # applied to the newest incumbent
                    res = step.apply(latest, who[0], duties)
                    if res is not None and res[1] < now:
                        gain = now - res[1]
                        improved = shared.offer(res[0], res[1])
                hood.feedback(kind, False, improved, gain, time.perf_counter() - ts)
                with lock:
                    out.iterations += 1
                    out.improvements += improved
                continue
            target = values.copy()
            target[grid.free(who, when)] = -1
            changed = dec[target[dec] != fixed[dec]]
            for i in changed.tolist():
                d = dom[i].domain
                t = int(target[i])
                d.clear()
                d.extend((0, 1) if t < 0 else (t, t))
            fixed[changed] = target[changed]
            if version != seen:
                proto.solution_hint.values.clear()
                proto.solution_hint.values.extend(values.tolist())
                seen = version
            sp = sub.parameters
            sp.random_seed = rng.randrange(1 << 30)
            cap = short if kind.endswith(SHORT) else limit
            if one:
                # deterministic iterations: the wall limit is only a safety net
                sp.max_deterministic_time = min(cap, dtime_left[0])
                sp.max_time_in_seconds = left
            else:
                sp.max_time_in_seconds = min(cap, left)
            ts = time.perf_counter()
            shared.track(sub, True)
            try:
                st = sub.solve(model)
            finally:
                shared.track(sub, False)
            if one:
                dtime_left[0] -= sub.response_proto.deterministic_time
            if st == cp_model.UNKNOWN and not shared.halted:
                # not even the hinted incumbent was loaded: on very large models presolve
                # alone outlasts the limit, so give the sub-solves more time
                limit, short = limit * 1.5, short * 1.5
            improved, gain = False, 0.0
            if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                new = round(sub.objective_value)
                gain = obj - new
                if gain > 0:
                    improved = shared.offer(np.fromiter(sub.response_proto.solution, dtype=np.int64), new)
            # under a deterministic limit the bandit's clock is deterministic time too
            spent = (sub.response_proto.deterministic_time if det
                     else time.perf_counter() - ts)
            hood.feedback(kind, st == cp_model.OPTIMAL, improved, gain, spent)
            with lock:
                out.iterations += 1
                out.improvements += improved
        with lock:
            for k, st in hood.stats.items():
                acc = stats.setdefault(k, [0, 0, 0])
                for j in range(3):
                    acc[j] += st[j]

    def job(tid: int) -> None:
        if bounder and tid == threads_n - 1:
            worker(tid, until=switch)
            cutoff.bound_search(m, base, shared, deadline, int(options.seed),
                                workers=threads_n if tail else 1)
        elif bounder and tail:
            worker(tid, until=switch)
        else:
            worker(tid, until)

    # the first error halts the other threads and is raised once they have stopped
    run_threads(job, threads_n, "rota-lns", shared.halt)
    for k, acc in stats.items():  # a probe's calls count with the later phase's
        old = out.stats.get(k, [0, 0, 0])
        out.stats[k] = [a + b for a, b in zip(old, acc)]
