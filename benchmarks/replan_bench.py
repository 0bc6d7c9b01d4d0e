"""Re-plan benchmark: random unplanned absences against a published plan.

For each case (fixed seed): one technician with at least one duty in the window is absent
for 1 to 5 days, reported 48 h before the absence starts (``now`` = start - 48 h, the
default 48 h frozen window then ends when the absence begins). Measured per case:

* the re-plan's wall time (``planner.replan.run.replan``: compile, solve, check) and its
  coverage shortfall after, for the staged re-plan (coverage, then fewest changes, then the
  rest, the changes' neighbourhood first: the default) and, in the same run, with
  ``--compare`` the former single weighted solve (``staged=False``), with
  ``--compare-whole`` the staged re-plan on the whole model (``neighbourhood=False``);
* the number of changes it chose, against the exact minimum needed for the same coverage:
  a separate solve whose objective is lexicographic by weights (1000 per missing person,
  1 per change, every other soft rule off), run to optimality;
* the coverage shortfall of a full re-solve from scratch with the same time limit (and how
  many duties that re-solve moves against the published plan).

Usage::

    python benchmarks/replan_bench.py demo [--cases 30] [--seed 11] [--limit 10] [--workers 2]
    python benchmarks/replan_bench.py generated --technicians 200 [--weeks 4] ...

Prints a Markdown summary (paste into BENCHMARKS.md) and writes JSON lines to
``bench-out/replan-<kind>.jsonl``. The published plan is kept in
``bench-out/replan-<kind>-published/`` and read back by ``--reuse-published`` (same
scenario arguments); ``--first K`` starts at case K and appends to the JSON lines, so a
long run can be resumed; ``--summary`` only prints the summary of the JSON lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.calendar import UTC  # noqa: E402
from planner.check import Context  # noqa: E402
from planner.check.stability import changes  # noqa: E402
from planner.domain import Absence, AbsenceKind, Scenario  # noqa: E402
from planner.pipeline import plan_scenario  # noqa: E402
from planner.replan.run import replan, with_baseline  # noqa: E402
from solver import SolveOptions, SolveStatus  # noqa: E402


def _scenario(args) -> Scenario:
    if args.kind == "demo":
        from planner.scenario_files import load_scenario

        return load_scenario(ROOT / "data" / "demo")
    from planner.generate import generate_scenario

    return generate_scenario(args.technicians, args.weeks, 0)


def _cases(sc: Scenario, plan, n: int, seed: int):
    rng = random.Random(seed)
    worked = {}
    for a in plan.assignments:
        worked.setdefault(a.technician, set()).add(a.date)
    techs = sorted(worked)
    out = []
    while len(out) < n:
        tech = rng.choice(techs)
        length = rng.randint(1, 5)
        first = rng.randint(2, sc.horizon.days - length)  # reported 48 h ahead: day >= 2
        start = sc.horizon.start + dt.timedelta(days=first)
        end = start + dt.timedelta(days=length - 1)
        if not any(start <= d <= end for d in worked[tech]):
            continue  # an absence on days off changes nothing
        out.append((tech, start, end))
    return out


def _minimum(changed: Scenario, published, now: dt.datetime, limit: float, workers: int):
    """Exact minimum of chosen changes for the best coverage (lexicographic weights)."""
    rules = changed.rules.model_copy(update=dict(
        tier_weights={1: 1000, 2: 1000, 3: 1000}, peak_weight_factor=1.0, over_weight=0,
        fairness_weights={}, continuity_weight=0, backup_use_weight=0,
        oncall_unfilled_weight=1000))
    sc = with_baseline(changed.model_copy(update={"rules": rules}, deep=False), published, now,
                       48, change_weight=1, near_change_weight=1, backup_change_weight=1)
    sc = sc.model_copy(update={"requests": ()})
    out = plan_scenario(sc, SolveOptions(time_limit=limit, workers=workers, seed=0))
    found = changes(Context(sc, out.plan))
    short = sum(r.shortfall for r in out.report.coverage)
    return sum(1 for c in found if not c.forced), short, out.result.status


def _published(args, sc: Scenario):
    from planner.outputs import read_plan, write_plan_folder

    folder = ROOT / "bench-out" / f"replan-{args.kind}-published"
    if args.reuse_published and (folder / "assignments.csv").exists():
        return read_plan(folder)
    base = plan_scenario(sc, SolveOptions(time_limit=args.base_limit, workers=args.workers,
                                          seed=0))
    write_plan_folder(folder, sc, base, SolveOptions(time_limit=args.base_limit,
                                                     workers=args.workers))
    return base.plan


def _replan(changed, published, now, args, staged: bool, neighbourhood: bool = True) -> dict:
    t0 = time.perf_counter()
    r = replan(changed, published, SolveOptions(time_limit=args.limit, workers=args.workers,
                                                seed=0), now=now, staged=staged,
               neighbourhood=neighbourhood)
    seconds = time.perf_counter() - t0
    if r.outcome.result.status == SolveStatus.infeasible:  # hard rules contradict (named by the solver)
        return dict(seconds=round(seconds, 3), status="infeasible",
                    conflicts=list(r.outcome.result.conflicts))
    assert r.outcome.report.hard_ok, r.outcome.report.violations[:3]
    return dict(seconds=round(seconds, 3), status=r.outcome.result.status,
                shortfall=sum(x.shortfall for x in r.outcome.report.coverage),
                changes=r.chosen, forced=len(r.changes) - r.chosen,
                objective=r.outcome.report.objective)


def _case(sc, published, i, tech, start, end, args) -> dict:
    changed = sc.model_copy(update={"absences": sc.absences + (Absence(
        technician=tech, start=start, end=end, kind=AbsenceKind.unplanned),)})
    now = dt.datetime.combine(start, dt.time(0), tzinfo=UTC) - dt.timedelta(hours=48)
    row = dict(case=i, technician=tech, start=start.isoformat(), days=(end - start).days + 1,
               **_replan(changed, published, now, args, staged=True))
    if args.compare:
        row["former"] = _replan(changed, published, now, args, staged=False)
    if args.compare_whole:
        row["whole"] = _replan(changed, published, now, args, staged=True, neighbourhood=False)
    if row["status"] == "infeasible":
        # the exact minimisation has the same hard rules; a full re-solve (no frozen
        # window) shows whether a plan exists at all
        full = plan_scenario(changed, SolveOptions(time_limit=args.limit, workers=args.workers,
                                                   seed=0))
        row.update(full_status=full.result.status,
                   full_shortfall=sum(x.shortfall for x in full.report.coverage))
        return row
    minimum, min_short, min_status = _minimum(changed, published, now, args.min_limit,
                                              args.workers)
    full = plan_scenario(changed, SolveOptions(time_limit=args.limit, workers=args.workers,
                                               seed=0))
    moved = sum(1 for c in changes(Context(with_baseline(changed, published, now, 0),
                                           full.plan)) if not c.forced)
    row.update(min_changes=minimum, min_shortfall=min_short, min_status=min_status,
               full_shortfall=sum(x.shortfall for x in full.report.coverage), full_changes=moved)
    return row


def _over(r: dict, m: dict) -> float | None:
    """How far ``r``'s changes are above the minimum (None: not the same coverage)."""
    if m["min_shortfall"] != r["shortfall"]:
        return None
    if not m["min_changes"]:
        return 0.0 if not r["changes"] else float("inf")
    return r["changes"] / m["min_changes"] - 1


def summarise(rows: list[dict], method: str) -> None:
    """Print the Markdown table of one method (``rows`` or their ``former`` part)."""
    infeasible = [r for r in rows if r["status"] == "infeasible"]
    rows = [r for r in rows if r["status"] != "infeasible"]
    runs = [r if method == "staged" else r[method] for r in rows]
    secs = [x["seconds"] for x in runs]
    over = [_over(x, r) for x, r in zip(runs, rows)]
    n = len(rows)
    print(f"\n{method} re-plan, {n} cases with a plan")
    print("| figure | value |\n| --- | --- |")
    if infeasible:
        print(f"| cases whose hard rules contradict (no re-plan; left out below) | "
              f"{len(infeasible)}: " + "; ".join(
                  f"case {r['case']} ({', '.join(r['conflicts'])})" for r in infeasible) + " |")
    print(f"| re-plan time median / worst | {statistics.median(secs):.2f} s / {max(secs):.2f} s |")
    print(f"| coverage shortfall after (sum over cases) | {sum(x['shortfall'] for x in runs)} |")
    print(f"| same coverage as the exact minimisation | "
          f"{sum(1 for o in over if o is not None)}/{n} |")
    print(f"| changes = exact minimum | {sum(1 for o in over if o == 0)}/{n} |")
    print(f"| changes more than 10 % above the minimum | "
          f"{sum(1 for o in over if o is not None and o > 0.10 + 1e-9)}/{n} |")
    worst = max((o for o in over if o is not None), default=0.0)
    print(f"| changes above the minimum: worst | {100 * worst:.0f} % |")
    print(f"| chosen changes median (minimum median) | "
          f"{statistics.median(x['changes'] for x in runs)} "
          f"({statistics.median(r['min_changes'] for r in rows)}) |")
    print(f"| minimisations proven optimal | "
          f"{sum(1 for r in rows if r['min_status'] == 'optimal')}/{n} |")
    worse = sum(1 for x, r in zip(runs, rows) if x["shortfall"] > r["full_shortfall"])
    print(f"| shortfall of a full re-solve, same limit (sum) | "
          f"{sum(r['full_shortfall'] for r in rows)}; re-plan worse in {worse} cases |")
    print(f"| duties a full re-solve moves (median) | "
          f"{statistics.median(r['full_changes'] for r in rows)} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["demo", "generated"])
    ap.add_argument("--technicians", type=int, default=200)
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--cases", type=int, default=30)
    ap.add_argument("--first", type=int, default=0, help="first case to run (resume)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--limit", type=float, default=10.0, help="re-plan and re-solve time limit")
    ap.add_argument("--base-limit", type=float, default=60.0, help="time of the published plan")
    ap.add_argument("--min-limit", type=float, default=120.0, help="time of the minimisation")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--compare", action="store_true",
                    help="also run the former single weighted re-plan on every case")
    ap.add_argument("--compare-whole", action="store_true",
                    help="also run the staged re-plan on the whole model (no neighbourhood "
                         "first: the method before 2026-12-02 afternoon) on every case")
    ap.add_argument("--reuse-published", action="store_true",
                    help="read the published plan of an earlier run instead of solving it")
    ap.add_argument("--summary", action="store_true", help="only summarise the JSON lines")
    args = ap.parse_args()

    out_dir = ROOT / "bench-out"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"replan-{args.kind}.jsonl"
    if not args.summary:
        sc = _scenario(args)
        published = _published(args, sc)
        with path.open("a" if args.first else "w") as log:
            for i, (tech, start, end) in enumerate(_cases(sc, published, args.cases, args.seed)):
                if i < args.first:
                    continue
                row = _case(sc, published, i, tech, start, end, args)
                log.write(json.dumps(row) + "\n")
                log.flush()
                print(json.dumps(row), flush=True)
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    print(f"\n{args.kind}: {len(rows)} cases, seed {args.seed}, limit {args.limit:g} s, "
          f"{args.workers} workers, {platform.processor() or platform.machine()}, "
          f"{dt.date.today()}")
    summarise(rows, "staged")
    for method in ("whole", "former"):
        if rows and all(method in r for r in rows if r["status"] != "infeasible"):
            summarise(rows, method)


if __name__ == "__main__":
    main()
