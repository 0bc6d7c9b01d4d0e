"""Small builders for hand-made engine problems used by the solver tests.

Times are written as (day, "HH:MM") and converted to minutes from day 0 00:00.
"""

from __future__ import annotations

import random
from dataclasses import replace

from solver import (
    Demand,
    Duty,
    OnCallPeriod,
    Person,
    Problem,
    Request,
    Rules,
    SolveOptions,
    SolveResult,
    SolveStatus,
    Weights,
    solve,
)

DAY = 24 * 60
NO_WEIGHTS = Weights(fairness={}, continuity=0, backup_use=0)
"""Soft people-side rules off, so a test sees only the rule it is about."""


def at(day: int, hhmm: str) -> int:
    """Minutes from the origin of ``day`` at wall time ``hhmm``."""
    h, m = hhmm.split(":")
    return day * DAY + int(h) * 60 + int(m)


SHIFTS = {"E": ("06:00", 8 * 60), "D": ("09:00", 8 * 60), "L": ("14:00", 8 * 60), "N": ("22:00", 8 * 60)}


def duty(
    day: int,
    stype: str = "D",
    group: str = "acme",
    *,
    start: str | None = None,
    length: int | None = None,
    required: int = 1,
    under: int = 10,
    over: int = 0,
    peak: int = 0,
    peak_weight: int = 0,
    tags: frozenset[str] = frozenset(),
    minutes: int | None = None,
    suffix: str = "",
) -> Duty:
    """A duty of shift type ``stype`` on ``day`` (standard times unless overridden)."""
    s, n = SHIFTS.get(stype, ("09:00", 8 * 60))
    s = start or s
    n = length or n
    begin = at(day, s)
    return Duty(
        id=f"{day}/{stype}/{group}{suffix}",
        day=day,
        start=begin,
        end=begin + n,
        shift_type=stype,
        minutes=n if minutes is None else minutes,
        group=group,
        demand=Demand(
            required=required,
            under_weight=under,
            over_weight=over,
            peak_required=peak,
            peak_weight=peak_weight,
        ),
        tags=tags,
    )


def problem(
    people: list[Person] | list[str],
    duties: list[Duty],
    *,
    num_days: int | None = None,
    eligible: dict[str, tuple[str, ...]] | None = None,
    rules: Rules | None = None,
    **kw,
) -> Problem:
    """A problem where everyone is eligible for every duty unless ``eligible`` says otherwise."""
    people = [Person(id=p) if isinstance(p, str) else p for p in people]
    ids = tuple(p.id for p in people)
    if num_days is None:
        num_days = max([d.day for d in duties], default=0) + 1
    elig = {d.id: ids for d in duties}
    if eligible:
        elig.update(eligible)
    return Problem(
        num_days=num_days,
        people=tuple(people),
        duties=tuple(duties),
        eligible=elig,
        rules=rules or Rules(weights=NO_WEIGHTS),
        **kw,
    )


OPTS = SolveOptions(time_limit=10.0, workers=1, seed=7)


def run(p: Problem, **kw) -> SolveResult:
    """Solve with one worker and a fixed seed."""
    return solve(p, replace(OPTS, **kw) if kw else OPTS)


def solve_built(m, seconds: float = 20.0, seed: int = 7) -> SolveResult:
    """The oracle of the fixing tests: one-worker CP-SAT on a built model as its domains stand
    (variables fixed by ``m.fixed`` included); ``objective`` is CP-SAT's own."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = seconds
    name = solver.status_name(solver.solve(m.model))
    status = SolveStatus("invalid" if name == "MODEL_INVALID" else name.lower())
    if not status.has_plan:
        return SolveResult(status=status)
    return SolveResult(
        status=status,
        assignments=tuple(k for k, v in m.x.items() if solver.boolean_value(v)),
        oncall=tuple(k for k, v in m.y.items() if solver.boolean_value(v)),
        objective=round(solver.objective_value),
        best_bound=solver.best_objective_bound,
    )


def random_problem(seed: int, people: int = 8, days: int = 7, clients: int = 2) -> Problem:
    """A random but well-formed problem touching most rules (for property-style tests)."""
    rng = random.Random(seed)
    duties = []
    for d in range(days):
        for c in range(clients):
            for stype in ("E", "L", "N"):
                tags = {"night"} if stype == "N" else set()
                if d % 7 in (5, 6):
                    tags.add("weekend")
                duties.append(
                    duty(d, stype, f"c{c}", required=rng.randint(0, 2), under=rng.choice([5, 10, 20]),
                         over=rng.choice([0, 1]), peak=rng.choice([0, 0, 1]),
                         peak_weight=rng.choice([3, 10, 30]), tags=frozenset(tags))
                )
    persons = []
    for i in range(people):
        persons.append(
            Person(
                id=f"p{i}",
                max_consecutive_days=rng.choice([None, 3, 5]),
                min_consecutive_days=rng.choice([None, 2]),
                min_consecutive_days_off=rng.choice([None, 2]),
                max_minutes_per_week=rng.choice([None, 40 * 60]),
                max_weekends=rng.choice([None, 1]),
                max_per_shift_type=rng.choice([{}, {"N": 2}]),
                is_backup=i == 0,
                fairness_group=rng.choice(["full", "part"]),
            )
        )
    eligible = {
        d.id: tuple(p.id for p in persons if rng.random() < 0.6) for d in duties
    }
    periods = tuple(
        OnCallPeriod(id=f"r#{k}", rotation="r", index=k, start=at(2 * k, "08:00"),
                     end=at(2 * k + 2, "08:00"), first_day=2 * k, last_day=min(days - 1, 2 * k + 2),
                     unfilled_weight=50)
        for k in range((days + 1) // 2)
    )
    oncall_eligible = {q.id: tuple(p.id for p in persons if rng.random() < 0.4) for q in periods}
    requests = tuple(
        Request(person=f"p{rng.randrange(people)}", day=rng.randrange(days),
                shift_type=rng.choice([None, "E", "N"]), work=rng.random() < 0.5,
                weight=rng.randint(1, 5))
        for _ in range(people)
    )
    return Problem(
        num_days=days,
        people=tuple(persons),
        duties=tuple(duties),
        eligible=eligible,
        weeks=(tuple(range(min(days, 7))),) + ((tuple(range(7, days)),) if days > 7 else ()),
        weekends=tuple(tuple(d for d in (w, w + 1) if d < days) for w in range(5, days, 7)),
        oncall_periods=periods,
        oncall_eligible=oncall_eligible,
        requests=requests,
        rules=Rules(forbidden_successions=frozenset({("L", "E"), ("N", "E")})),
    )
