"""Same-run check that a refactoring left the solver's behaviour unchanged.

Solves the demo scenario and Curtois instances with two source trees (``--base REV``
exported from git, ``--new`` this working tree), interleaved run by run, each in a fresh
process. Two modes per case:

* ``det``: one worker, a fixed seed and a CP-SAT deterministic-time limit (wall limit
  generous): the run is reproducible, so an unchanged solver gives the *same plan*
  (the SHA-256 of its sorted assignments and on-call roles) and the same objective;
* ``wall``: ``--workers`` workers and a wall-time limit, as ``rota demo`` and
  ``rota bench curtois`` run: objectives are noisy, compare medians over seeds.

Usage::

    python benchmarks/behaviour_ab.py --base 72b2fba --seeds 3 --limit 20 \\
        --det 20 /work/shared/benchmarks/curtois/Instance{1,2,3}.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = "demo"


def _tree(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True)
    if archive.returncode:
        sys.exit(f"--base {rev}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def child(case: str, seed: int, limit: float, workers: int, det: float | None) -> dict:
    """One solve in this process (the tree on ``PYTHONPATH``): a JSON-able summary."""
    from solver import SolveOptions

    options = SolveOptions(time_limit=limit, workers=workers, seed=seed,
                           deterministic_time=det)
    started = time.perf_counter()
    if case == DEMO:
        from planner.pipeline import plan_scenario
        from planner.scenario_files import load_scenario

        result = plan_scenario(load_scenario(ROOT / "data" / "demo"), options).result
    else:
        from planner.curtois.parser import parse_instance
        from planner.curtois.to_domain import instance_to_scenario
        from planner.pipeline import plan_scenario

        result = plan_scenario(instance_to_scenario(parse_instance(case)), options).result
    plan = sorted(map(list, result.assignments)) + sorted(map(list, result.oncall))
    return {"status": str(getattr(result.status, "value", result.status)),
            "objective": result.objective,
            "plan": hashlib.sha256(json.dumps(plan).encode()).hexdigest()[:12],
            "seconds": round(time.perf_counter() - started, 1)}


def _run(tree: Path, case: str, seed: int, limit: float, workers: int,
         det: float | None) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(tree)!r}); "
            f"sys.path.insert(1, {str(ROOT / 'benchmarks')!r}); "
            "from behaviour_ab import child; "
            f"print(json.dumps(child({case!r}, {seed}, {limit}, {workers}, {det!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"status": "crashed", "objective": None, "plan": "-",
                "error": proc.stderr.strip()[-300:]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instances", nargs="*", help="Curtois instance files (the demo always runs)")
    ap.add_argument("--base", required=True, help="git revision of the baseline")
    ap.add_argument("--new", default=str(ROOT), help="source tree of the candidate")
    ap.add_argument("--seeds", type=int, default=3, help="seeds of the wall-time runs")
    ap.add_argument("--limit", type=float, default=20, help="wall-time limit (s)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--det", type=float, default=20,
                    help="deterministic-time limit of the one-worker runs")
    args = ap.parse_args(argv)
    trees = {"base": _tree(args.base, Path(tempfile.mkdtemp(prefix="rota-ab-"))),
             "new": Path(args.new)}
    cases = [DEMO, *args.instances]
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, base {args.base}, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    table = []
    for case in cases:
        name = Path(case).stem
        det = {k: _run(t, case, 0, 10 * args.det, 1, args.det) for k, t in trees.items()}
        print(f"{name} det: {json.dumps(det)}", flush=True)
        wall: dict[str, list] = {k: [] for k in trees}
        for seed in range(args.seeds):
            for k, t in trees.items():
                wall[k].append(_run(t, case, seed, args.limit, args.workers, None))
            print(f"{name} wall seed {seed}: base {wall['base'][-1]} new {wall['new'][-1]}",
                  flush=True)
        same = det["base"]["plan"] == det["new"]["plan"] != "-"
        meds = []
        for k in trees:
            objs = [r["objective"] for r in wall[k]]
            meds.append(statistics.median(objs) if objs and None not in objs else None)
        table.append((name, det["base"]["objective"], det["new"]["objective"],
                      "yes" if same else "NO", *meds,
                      " / ".join(str(r["objective"]) for r in wall["base"]),
                      " / ".join(str(r["objective"]) for r in wall["new"])))
    print(f"\n| case | det base | det new | same plan | wall base median | wall new median"
          f" | base seeds | new seeds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in table:
        print("| " + " | ".join("-" if c is None else f"{c}" for c in row) + " |")


if __name__ == "__main__":
    main()
