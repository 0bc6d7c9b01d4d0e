"""How fast is this machine for Rota's work? A fixed amount of work, timed in wall seconds.

Figures of the benchmark suite move from one VM to the next (BENCHMARKS.md section 7,
"2026-12-07, 05:00-07:00 UTC": the same code gave worse 60 s plans on 17 of 18 same-seed
pairs, while one thread's Python loop was as fast). This script measures, on the machine
it runs on, the two kinds of work a solve is made of, each a fixed amount whatever the
machine:

- **python**: a pure-Python loop (the warm start, the sweep's bookkeeping);
- **cp-sat**: one CP-SAT solve of a generated benchmark-format instance's whole model
  (``benchmarks/curtois_gen.py``, shape ``--shape``), one worker, stopped by a
  deterministic-time limit (``--det``): CP-SAT's deterministic time counts work, not
  seconds, so its wall time is the machine's speed on the engine's own kind of work
  (branching, propagation, the LP).

Each runs alone (one process) and two at once (two processes: do the two cores share
anything?), ``--repeats`` times in fresh processes; the medians (and the range) are
printed as a Markdown table row. Compare rows of two machines, or of one machine at two
times, before comparing their solve figures. Nothing else should run meanwhile.

Usage::

    python benchmarks/machine_speed.py [--shape g04] [--det 20] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

LOOP_N = 20_000_000
"""Iterations of the pure-Python loop (1.4 to 2.3 s on the 2-core AMD EPYC VM of 2026-12-07,
whose speed moved within the hour)."""


def python_loop(n: int = LOOP_N) -> float:
    """Wall seconds of a fixed pure-Python loop."""
    t = time.perf_counter()
    acc = 0
    for i in range(n):
        acc = (acc + i * i) % 1_000_003
    return time.perf_counter() - t


def cpsat_work(shape: str, det: float) -> dict:
    """Wall seconds of one CP-SAT solve of ``shape``'s whole model, one worker, stopped at
    ``det`` deterministic seconds (model building not counted)."""
    from cpsat_determinism import det_solver
    from curtois_gen import SUITE, generate
    from planner.compile import compile_scenario
    from planner.curtois.parser import parse_text
    from planner.curtois.to_domain import instance_to_scenario
    from solver.build import build_model

    shapes = {s.name: s for s in SUITE}
    problem = compile_scenario(instance_to_scenario(parse_text(generate(shapes[shape])))).problem
    m = build_model(problem)
    solver = det_solver(det)
    solver.parameters.max_time_in_seconds = 3600.0
    t = time.perf_counter()
    solver.solve(m.model)
    return {"seconds": time.perf_counter() - t, "det": solver.deterministic_time}


def _child(kind: str, shape: str, det: float) -> None:
    out = {"seconds": python_loop()} if kind == "python" else cpsat_work(shape, det)
    print(json.dumps(out))


def _run(kind: str, shape: str, det: float, at_once: int) -> list[dict]:
    """``at_once`` fresh processes started together; their results."""
    cmd = [sys.executable, __file__, "--child", kind, "--shape", shape, "--det", str(det)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(at_once)]
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            sys.exit(f"machine_speed: a {kind} child failed (exit {proc.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="g04", help="a suite shape of benchmarks/curtois_gen.py")
    ap.add_argument("--det", type=float, default=20.0, help="CP-SAT deterministic seconds per solve")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", choices=("python", "cpsat"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    from curtois_gen import SUITE

    if a.shape not in {s.name for s in SUITE}:
        ap.error(f"unknown --shape {a.shape!r}; known: {', '.join(s.name for s in SUITE)}")
    if a.det <= 0 or a.repeats < 1:
        ap.error("--det must be positive and --repeats at least 1")
    if a.child:
        _child(a.child, a.shape, a.det)
        return
    row = {}
    for kind in ("python", "cpsat"):
        for at_once in (1, 2):
            runs = [r for _ in range(a.repeats) for r in _run(kind, a.shape, a.det, at_once)]
            secs = [r["seconds"] for r in runs]
            row[(kind, at_once)] = (statistics.median(secs), min(secs), max(secs))
            if kind == "cpsat":
                row[("det", at_once)] = statistics.median(r["det"] for r in runs)
    import ortools

    print(f"CPU: {_cpu()}; Python {platform.python_version()}; OR-Tools {ortools.__version__}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"| python loop, 1 / 2 at once (s, median (range)) | CP-SAT {a.shape} {a.det:g} "
          "det. s, 1 / 2 at once (wall s, median (range)) | deterministic time reached |")
    print("| --- | --- | --- |")

    def cell(kind: str) -> str:
        return " / ".join(f"{med:.2f} ({lo:.2f}-{hi:.2f})" for med, lo, hi
                          in (row[(kind, 1)], row[(kind, 2)]))

    print(f"| {cell('python')} | {cell('cpsat')} | {row[('det', 1)]:.1f} / {row[('det', 2)]:.1f} |")


if __name__ == "__main__":
    main()
