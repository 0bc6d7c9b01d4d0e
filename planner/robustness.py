"""N-1 robustness of a plan: can any one technician's sudden absence be absorbed?

For every client and day, each technician on duty there is taken out in turn: the day
is *absorbed* when some other technician can take their duty without breaking a hard
rule (a one-person substitution, :mod:`planner.trial`: the checker decides). Those
with no substitute are the day's **single points of failure**. The cross-training
advice counts, for each (technician, client) not yet trained, how many single points
of failure training them would remove, and ranks them.

On-call roles the same way: for every primary (and backup, where the rotation has one)
of every period, the role is *covered N-1* when someone else may take it if its holder
fell ill (eligible, and no hard rule broken: ``oncall_min_gap``, one role at a time...);
a role already unfilled in the plan, or whose holder nobody can replace, is reported.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass

from planner.calendar import UTC
from planner.check import check
from planner.check.context import aware
from planner.demands import Derived
from planner.domain import Plan, Scenario, Technician
from planner.trial import assignment_for, trial


@dataclass(frozen=True)
class DayRobustness:
    client: str
    date: dt.date
    on_duty: int
    shortfall: int
    """The plan's own shortfall that day (already short: not N-1 robust)."""
    n_minus_1: bool
    single_points_of_failure: tuple[str, ...]


@dataclass(frozen=True)
class TrainingAdvice:
    technician: str
    name: str
    client: str
    skill: str
    """The skill to learn too ('' when they hold it)."""
    removes: int
    """Single points of failure this training would remove."""


@dataclass(frozen=True)
class OnCallRobustness:
    """One on-call role of one period under N-1."""

    rotation: str
    role: str
    start: dt.datetime
    end: dt.datetime
    holder: str
    """Who holds it in the plan ('' when the plan leaves it unfilled)."""
    substitute: str
    """The first technician (backups first) who could take it over ('' when nobody)."""

    @property
    def n_minus_1(self) -> bool:
        return bool(self.holder and self.substitute)


@dataclass(frozen=True)
class Robustness:
    days: tuple[DayRobustness, ...]
    advice: tuple[TrainingAdvice, ...]
    oncall: tuple[OnCallRobustness, ...] = ()

    @property
    def oncall_at_risk(self) -> tuple[OnCallRobustness, ...]:
        """On-call roles unfilled, or left unfilled by one sudden absence."""
        return tuple(o for o in self.oncall if not o.n_minus_1)

    def as_dict(self) -> dict:
        """The report as JSON-ready data (the CLI's ``--json`` and the API)."""
        days = [{**asdict(d), "date": d.date.isoformat(),
                 "single_points_of_failure": list(d.single_points_of_failure)}
                for d in self.days]
        oncall = [{**asdict(o), "start": o.start.isoformat(), "end": o.end.isoformat(),
                   "n_minus_1": o.n_minus_1} for o in self.oncall]
        return {"robust_share": round(self.robust_share, 4), "days": days,
                "advice": [asdict(a) for a in self.advice], "oncall": oncall}

    @property
    def robust_share(self) -> float:
        return sum(d.n_minus_1 for d in self.days) / len(self.days) if self.days else 1.0


def _worked(plan: Plan) -> set[tuple[str, dt.date]]:
    return {(a.technician, a.date) for a in plan.assignments}


def _substitutes(scenario, plan, derived, row, absent: str, pool: list[Technician],
                 worked) -> str | None:
    """The first technician of ``pool`` who can take ``absent``'s duty on ``row``."""
    gone = assignment_for(row, absent)
    for tech in pool:
        if tech.id == absent or (tech.id, row.date) in worked:
            continue  # one shift a day: already working that day
        if derived.ineligible_reason(tech, row) is not None:
            continue
        if trial(scenario, plan, add=[assignment_for(row, tech.id)], remove=[gone],
                 derived=derived).ok:
            return tech.id
    return None


def robustness(scenario: Scenario, plan: Plan, advice_size: int = 10,
               client: str | None = None, date: dt.date | None = None) -> Robustness:
    """N-1 per client and day, single points of failure, cross-training advice, on-call
    roles; only the days of ``client`` and on ``date`` (and the on-call periods of
    rotations serving ``client``, running on ``date``) when given."""
    derived = Derived(scenario)
    report = check(scenario, plan, derived)  # also computes what the copies below share
    rows = {r.key: r for r in derived.demands}
    short: Counter = Counter()
    for c in report.coverage:
        short[(c.client, c.date)] += c.shortfall
    by_day: dict[tuple[str, dt.date], list] = {}
    for r in derived.demands:
        by_day.setdefault((r.client, r.date), [])
    for a in plan.assignments:
        row = rows.get((a.client, a.date, a.shift, a.skill))
        if row is not None:
            by_day.setdefault((a.client, a.date), []).append((a.technician, row))
    trained: dict[str, list[Technician]] = {}
    for t in sorted(scenario.technicians, key=lambda t: (not t.is_backup, t.id)):
        for c in t.clients:
            trained.setdefault(c, []).append(t)
    days, spof_rows = [], []
    worked = _worked(plan)
    for (c, d), held in sorted(by_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (client is not None and c != client) or (date is not None and d != date):
            continue
        spof = []
        for who, row in held:
            if _substitutes(scenario, plan, derived, row, who, trained.get(c, []),
                            worked) is None:
                spof.append(who)
                spof_rows.append((who, row))
        days.append(DayRobustness(c, d, len(held), short[(c, d)],
                                  not spof and short[(c, d)] == 0, tuple(spof)))
    periods = [p for p in derived.periods
               if (client is None or client in derived.rotations[p.rotation].clients)
               and (date is None or p.start.date() <= date <= p.end.date())]
    return Robustness(tuple(days), _advice(scenario, plan, derived, spof_rows, advice_size),
                      _oncall(scenario, plan, derived, periods))


def _oncall(scenario: Scenario, plan: Plan, derived: Derived,
            periods) -> tuple[OnCallRobustness, ...]:
    """Every on-call role of ``periods``: its holder and a substitute, if any."""
    held = {(o.rotation, aware(o.start).astimezone(UTC), str(o.role)): o for o in plan.oncall}
    pool = sorted(scenario.technicians, key=lambda t: (not t.is_backup, t.id))
    out = []
    for p in sorted(periods, key=lambda p: (p.start, p.rotation)):
        for role in ("primary", "backup") if p.backup else ("primary",):
            o = held.get((p.rotation, p.start.astimezone(UTC), role))
            substitute = ""
            if o is not None:
                for tech in pool:
                    if tech.id == o.technician or derived.oncall_ineligible_reason(tech, p):
                        continue
                    if trial(scenario, plan, derived=derived, remove_oncall=[o],
                             add_oncall=[o.model_copy(update={"technician": tech.id})]).ok:
                        substitute = tech.id
                        break
            out.append(OnCallRobustness(p.rotation, role, p.start, p.end,
                                        o.technician if o else "", substitute))
    return tuple(out)


def _advice(scenario, plan, derived, spof_rows, size) -> tuple[TrainingAdvice, ...]:
    """Who to train (on the client, and on the duty's skill when they lack it)."""
    gains: Counter = Counter()
    cache: dict[tuple, tuple[Scenario, Derived]] = {}
    worked = _worked(plan)
    for who, row in spof_rows:
        for tech in scenario.technicians:
            need_client = row.client not in tech.clients
            need_skill = bool(row.skill) and row.skill not in tech.skills
            if tech.id == who or not (need_client or need_skill) or (tech.id, row.date) in worked:
                continue
            key = (tech.id, row.client, row.skill if need_skill else "")
            if key not in cache:
                # the same derivations with this one technician trained (demands, absences
                # and holidays do not depend on training)
                d = copy.copy(derived)
                d._trials = {}  # the trial cache of the untrained team must not be shared
                d.technicians = {**derived.technicians, tech.id: tech.model_copy(update={
                    "clients": tech.clients | {row.client},
                    "skills": tech.skills | ({key[2]} - {""})})}
                cache[key] = (scenario, d)
            sc, d = cache[key]
            if d.ineligible_reason(d.technicians[tech.id], row) is not None:
                continue
            if trial(sc, plan, add=[assignment_for(row, tech.id)],
                     remove=[assignment_for(row, who)], derived=d).ok:
                gains[key] += 1
    names = {t.id: t.name or t.id for t in scenario.technicians}
    # training on the client alone (no new skill) first at equal gain: it is cheaper
    ranked = sorted(gains.items(), key=lambda kv: (-kv[1], bool(kv[0][2]), kv[0]))[:size]
    return tuple(TrainingAdvice(t, names[t], c, k, n) for (t, c, k), n in ranked)
