"""Re-plan a published plan after changes: the whole chain and its outputs.

``replan(scenario, published, ...)`` puts the published plan into the scenario as its
baseline (rules ``plan_stability`` and ``replan_limits``), plans from it as a warm start,
checks the result, and lists the changes and who must be told.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from planner.calendar import UTC
from planner.check import Context
from planner.check.stability import Change, changes
from planner.domain import Baseline, Plan, Scenario
from planner.outputs import write_plan_folder
from planner.pipeline import PlanOutcome, plan_scenario
from planner.replan.prefill import prefill_gaps
from planner.replan.staged import staged_replan
from solver import SolveOptions

CHANGE_COLUMNS = ["technician", "date", "kind", "shift", "client", "change", "skill", "start",
                  "end", "forced"]
NOTIFY_COLUMNS = ["technician", "name", "email", "changes", "summary"]


@dataclass(frozen=True)
class ReplanOutcome:
    """The re-planned outcome, its changes against the published plan, the notices."""

    outcome: PlanOutcome
    scenario: Scenario
    changes: tuple[Change, ...]
    notices: tuple["Notice", ...]

    @property
    def chosen(self) -> int:
        """Changes the re-plan chose (forced removals excluded): what the budget counts."""
        return sum(1 for c in self.changes if not c.forced)


@dataclass(frozen=True)
class Notice:
    """What one technician is told."""

    technician: str
    name: str
    email: str
    changes: tuple[Change, ...]

    @property
    def summary(self) -> str:
        return describe(self.changes)


def with_baseline(scenario: Scenario, published: Plan, now: dt.datetime | None = None,
                  frozen_hours: float = 48, max_changes: int | None = None,
                  **weights) -> Scenario:
    """``scenario`` carrying ``published`` as its baseline (now defaults to the clock)."""
    now = now or dt.datetime.now(UTC)
    baseline = Baseline(plan=published, now=now, frozen_hours=frozen_hours,
                        max_changes=max_changes, **weights)
    return scenario.model_copy(update={"baseline": baseline})


def replan(scenario: Scenario, published: Plan, options: SolveOptions | None = None, *,
           now: dt.datetime | None = None, frozen_hours: float = 48,
           max_changes: int | None = None, patience: float | None = 1.0,
           staged: bool = True, neighbourhood: bool = True) -> ReplanOutcome:
    """Repair ``published`` for the (changed) ``scenario`` with as few changes as possible.

    Parameters
    ----------
    scenario : the scenario with the changes applied (see :mod:`planner.replan.changes`).
    published : the plan in force.
    options : solver options.
    now : the moment of the re-plan (aware); default the clock. Duties starting before
        ``now + frozen_hours`` keep their people.
    max_changes : a hard budget of chosen changes (None: no budget).
    patience : stop once no better plan was found for this many seconds (None: use the
        whole time limit). A re-plan starts next to its answer: most of the budget is
        spent failing to prove optimality over the soft rules it does not change.
    staged : coverage first, then the fewest changes, then the rest with the changes
        bounded (:mod:`planner.replan.staged`); False: one weighted solve (the former
        method, kept for the benchmark's comparison).
    neighbourhood : the staged re-plan searches the changes' neighbourhood first
        (:mod:`planner.replan.neighbourhood`); False: the whole model (the former staged
        method, kept for the benchmark's comparison).
    """
    sc = with_baseline(scenario, published, now, frozen_hours, max_changes)
    outcome = solve_replan(sc, options or SolveOptions(), patience, staged, neighbourhood)
    found = changes(Context(sc, outcome.plan))
    return ReplanOutcome(outcome, sc, found, notices(sc, found))


def solve_replan(sc: Scenario, options: SolveOptions, patience: float | None = 1.0,
                 staged: bool = True, neighbourhood: bool = True) -> PlanOutcome:
    """Plan ``sc``, which carries its baseline (:func:`with_baseline`), as :func:`replan`
    does: from the baseline with its gaps pre-filled, in stages unless ``staged`` is False."""
    start, left = prefill_gaps(sc)
    longer = patience
    if left and patience is not None:
        # gaps no single addition fills need chains of moves: give the search longer
        longer = max(patience, options.time_limit / 2)
    if staged:
        # (the staged re-plan searches the changes' neighbourhood first, where CP-SAT
        # proves its optimum; only a whole-model search of chains gets the longer patience)
        return staged_replan(sc, options, start,
                             lambda o, patient=False: with_patience(o, longer if patient
                                                                    else patience),
                             neighbourhood)
    return plan_scenario(sc, with_patience(options, longer), previous=start)


def with_patience(options: SolveOptions, patience: float | None) -> SolveOptions:
    """``options`` that also stop ``patience`` seconds after the last improving plan (or as
    long as the first plan took, when that was longer)."""
    if patience is None:
        return options
    started = time.monotonic()
    state = {"last": None, "wait": patience}
    outer_progress, outer_stop = options.on_progress, options.stop

    def on_progress(p) -> None:
        now = time.monotonic()
        if state["last"] is None:
            # a loaded machine is slow to the first plan and to the next: wait as long
            state["wait"] = max(patience, now - started)
        state["last"] = now
        if outer_progress is not None:
            outer_progress(p)

    def stop() -> bool:
        if outer_stop is not None and outer_stop():
            return True
        last = state["last"]
        return last is not None and time.monotonic() - last > state["wait"]

    return replace(options, on_progress=on_progress, stop=stop)


def notices(scenario: Scenario, found) -> tuple[Notice, ...]:
    """One notice per technician with at least one change, sorted by id."""
    techs = {t.id: t for t in scenario.technicians}
    out = []
    for tid in sorted({c.technician for c in found}):
        t = techs.get(tid)
        out.append(Notice(tid, (t.name if t else "") or tid, t.email if t else "",
                          tuple(c for c in found if c.technician == tid)))
    return tuple(out)


def describe(items) -> str:
    """``'added: Tue 2027-07-13 D acme 09:00-17:00; removed: ...'`` (local times)."""
    parts = []
    for verb in ("added", "removed"):
        mine = [c for c in items if c.change == verb]
        if mine:
            what = ", ".join(_one(c) for c in mine)
            parts.append(f"{verb}: {what}")
    return "; ".join(parts)


def _one(c: Change) -> str:
    kind = "" if c.kind == "shift" else f"on-call {c.kind.removeprefix('oncall_')} "
    return (f"{kind}{c.start.strftime('%a')} {c.date.isoformat()} {c.shift} {c.client} "
            f"{c.start.strftime('%H:%M')}-{c.end.strftime('%H:%M')}")


def change_rows(found) -> list[dict]:
    return [
        {"technician": c.technician, "date": c.date.isoformat(), "kind": c.kind,
         "shift": c.shift, "client": c.client, "change": c.change, "skill": c.skill,
         "start": c.start.isoformat(), "end": c.end.isoformat(),
         "forced": "true" if c.forced else "false"}
        for c in found
    ]


def write_replan_folder(out: Path, r: ReplanOutcome, options: SolveOptions,
                        warnings: Sequence[str] = ()) -> dict:
    """The plan folder of ``rota solve`` plus ``changes.csv`` and ``notify.csv``;
    ``warnings`` (changes with no effect) go first in ``summary.json``'s warnings."""
    data = write_plan_folder(out, r.scenario, r.outcome, options)
    data["warnings"] = [*warnings, *data.get("warnings", ())]
    with (out / "changes.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, CHANGE_COLUMNS)
        w.writeheader()
        w.writerows(change_rows(r.changes))
    with (out / "notify.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(NOTIFY_COLUMNS)
        for n in r.notices:
            w.writerow([n.technician, n.name, n.email, len(n.changes), n.summary])
    b = r.scenario.baseline
    data["replan"] = {
        "now": b.now.isoformat(), "frozen_hours": b.frozen_hours, "max_changes": b.max_changes,
        "changes": r.chosen, "forced_removals": len(r.changes) - r.chosen,
        "technicians_notified": len(r.notices),
    }
    (out / "summary.json").write_text(json.dumps(data, indent=2, default=str) + "\n", "utf-8")
    return data
