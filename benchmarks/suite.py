"""Run the generated evaluation suite (``benchmarks/curtois_gen.py``): A/B over seeds.

Every run goes through the product's own chain (``planner.curtois.cli.run_seed``:
domain mapping, compile, ``solver.solve``) in a fresh process (its peak RSS is its own),
and its roster is re-checked by the benchmark's independent checker
(``planner/curtois/checker.py``): a run whose roster breaks a hard rule or whose
objective differs from the checker's is reported as invalid.

Variants (``--variant``) are solver settings compared **interleaved in one run**
(instance by instance, seed by seed, A then B), so the shared machine's load hits
both alike. ``base`` is the code as it is; any other is a comma-separated list of
settings (:func:`_patch`): an ``LnsSettings`` field (``init_free=250``) or a module
constant (``solver.solve.COLGEN_MIN_SECONDS=0``; a flag ``=1``/``=0``, a tuple of names
joined by ``+``).

Usage::

    python benchmarks/suite.py run --part tuning --seeds 3 --limit 60 \\
        --variant base --variant other --out /tmp/suite-ab
    python benchmarks/suite.py report /tmp/suite-ab          # medians, gaps to reference

References (``benchmarks/suite_reference.csv``): the best objective any run found
(long runs where affordable), or a proven optimum; the file says which.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from curtois_gen import SUITE, Shape, generate  # noqa: E402

from solver import SolveStatus  # noqa: E402

REFERENCE = ROOT / "benchmarks" / "suite_reference.csv"


def _value(old, value: str):
    """``value`` (a variant's text) read as the kind of ``old``: a flag (``1``/``true``;
    ``None`` too, where a rule decides unless set), a word, a tuple of names joined by
    ``+`` (``solver.bound.BOUND_SUBSOLVERS=max_lp+core``) or a number."""
    if old is None or isinstance(old, bool):
        return value in ("1", "true")
    if isinstance(old, str):
        return value
    if isinstance(old, tuple):
        return tuple(value.split("+"))
    return type(old)(float(value))


def _patch(variant: str) -> None:
    """Apply a named solver variant in this (child) process."""
    if variant == "base":
        return
    import importlib

    import solver.lns as lns
    import solver.params as params

    # the module, not the package's re-exported solve() function of the same name
    solve_mod = importlib.import_module("solver.solve")

    settings = params.LNS
    for item in variant.split(","):
        key, _, value = item.partition("=")
        if "." in key:  # a module constant, e.g. solver.greedy.CONSTRAINED_FIRST=0
            mod, _, attr = key.rpartition(".")
            module = importlib.import_module(mod)
            setattr(module, attr, _value(getattr(module, attr), value))
            continue
        settings = replace(settings, **{key: _value(getattr(settings, key), value)})
    params.LNS = settings
    solve_mod.LNS = settings
    lns.search.__defaults__ = (settings,)


def _child(args) -> None:
    """One solve (in a fresh process): print a JSON line with the checked result."""
    from planner.curtois.cli import _solve_options, run_seed
    from planner.curtois.parser import parse_instance
    from planner.curtois.to_domain import instance_to_scenario

    _patch(args.variant)
    inst = parse_instance(args.file)
    scenario = instance_to_scenario(inst)
    run = run_seed(inst, scenario, _solve_options(args.limit, args.workers, args.seed, False))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "objective": run.objective if SolveStatus(run.status).has_plan else None,
        "solver_objective": run.solver_objective,
        "bound": run.lower_bound,
        "status": run.status,
        "valid": not run.problems,
        "problems": run.problems[:2],
        "seconds": round(run.seconds, 1),
        "rss_mb": round(rss),
        "first_seconds": None if run.first_seconds is None else round(run.first_seconds, 1),
    }))


def _shapes(part: str | None, names: list[str] | None) -> list[Shape]:
    return [s for s in SUITE if (part in (None, "all") or s.part == part)
            and (not names or s.name in names)]


def run(args) -> None:
    unknown = set(args.only or ()) - {s.name for s in SUITE}
    if unknown:
        sys.exit(f"--only: unknown suite instance(s) {', '.join(sorted(unknown))}; "
                 f"known: {', '.join(s.name for s in SUITE)}")
    outside = set(args.only or ()) - {s.name for s in _shapes(args.part, args.only)}
    if outside:
        sys.exit(f"--only: {', '.join(sorted(outside))} not in --part {args.part}")
    missing = [f for f in args.file or () if not Path(f).is_file()]
    if missing:
        sys.exit(f"--file: no such file: {', '.join(missing)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    files = out / "instances"
    files.mkdir(exist_ok=True)
    rows_path = out / "runs.csv"
    new = not rows_path.exists()
    with rows_path.open("a", newline="") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(["instance", "part", "variant", "seed", "limit", "workers", "objective",
                        "bound", "status", "valid", "seconds", "rss_mb", "started_utc", "file",
                        "first_seconds"])
        jobs = []
        for shape in _shapes(args.part, args.only) if args.part or args.only else ():
            path = files / f"{shape.name}.txt"
            path.write_text(generate(shape), newline="")
            jobs.append((shape.name, shape.part, path))
        for f in args.file or ():
            jobs.append((Path(f).stem, "public", Path(f).resolve()))
        for name, part, path in jobs:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                for variant in args.variant:
                    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    cmd = [sys.executable, __file__, "child", str(path), "--variant", variant,
                           "--seed", str(seed), "--limit", str(args.limit),
                           "--workers", str(args.workers)]
                    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                                          env={**os.environ, "PYTHONPATH": str(ROOT)})
                    try:
                        res = json.loads(proc.stdout.strip().splitlines()[-1])
                    except (IndexError, json.JSONDecodeError):
                        res = {"objective": None, "bound": None, "status": "crashed",
                               "valid": False, "seconds": None, "rss_mb": None,
                               "problems": [proc.stderr.strip()[-300:]]}
                    w.writerow([name, part, variant, seed, args.limit, args.workers,
                                res["objective"], res["bound"], res["status"], res["valid"],
                                res["seconds"], res["rss_mb"], started,
                                path if part == "public" else "", res.get("first_seconds")])
                    fh.flush()
                    print(f"{name} {variant} seed {seed}: {res['objective']} "
                          f"({res['status']}, valid={res['valid']}) {res.get('problems') or ''}",
                          flush=True)


def _public_reference(rows: list[dict]) -> dict[str, tuple[int, str, float | None]]:
    """Best-known values of the public instances run with ``--file`` (``best_known.csv``
    beside the files, as ``rota bench curtois`` reads it)."""
    from planner.curtois.results import BEST_KNOWN_FILE, read_best_known

    out: dict[str, tuple[int, str, float | None]] = {}
    for folder in {Path(r["file"]).parent for r in rows if r.get("file")}:
        if (folder / BEST_KNOWN_FILE).is_file():
            for name, bk in read_best_known(folder / BEST_KNOWN_FILE).items():
                out[name] = (bk.upper, "best known", bk.lower)
    return out


def read_reference() -> dict[str, tuple[int, str, float | None]]:
    """Instance -> (reference, its source, proven lower bound or None)."""
    if not REFERENCE.exists():
        return {}
    with REFERENCE.open() as fh:
        return {r["instance"]: (int(r["reference"]), r["source"],
                                float(r["lower_bound"]) if r.get("lower_bound") else None)
                for r in csv.DictReader(fh) if not r["instance"].startswith("#")}


def report(args) -> None:
    rows = []
    for folder in args.folders:
        path = Path(folder) / "runs.csv"
        if not path.is_file():
            sys.exit(f"{path}: no runs.csv (give a folder written by 'suite.py run --out')")
        with path.open() as fh:
            rows += list(csv.DictReader(fh))
    ref = read_reference()
    ref.update(_public_reference(rows))
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    shapes = {s.name: s for s in SUITE}
    print("| instance | part | days x staff x types | reference | lower bound | "
          + " | ".join(f"{v} median (seeds) | gap %" for v in variants) + " |")
    print("| --- " * (5 + 2 * len(variants)) + "|")
    gaps: dict[tuple[str, str], list[float]] = {}
    for name in dict.fromkeys(r["instance"] for r in rows):
        s = shapes.get(name) or Shape(name, 0, 0, 0, 0, 0, 0, "public")
        r0, _, lb = ref.get(name, (None, "", None))
        cells = []
        for v in variants:
            mine = [r for r in rows if r["instance"] == name and r["variant"] == v]
            objs = [int(r["objective"]) if r["valid"] == "True" and r["objective"] else None
                    for r in mine]
            good = [o for o in objs if o is not None]
            if not mine:
                cells += ["-", "-"]
                continue
            med = statistics.median(good) if len(good) == len(objs) else None
            seeds = " / ".join("invalid" if o is None else str(o) for o in objs)
            gap = None if med is None or not r0 else 100 * (med - r0) / r0
            if gap is not None:
                gaps.setdefault((v, s.part), []).append(gap)
            cells += [f"{'-' if med is None else f'{med:g}'} ({seeds})",
                      "-" if gap is None else f"{gap:.1f}"]
        size = f"{s.days} x {s.staff} x {s.types}" if s.days else "-"
        print(f"| {name} | {s.part} | {size} | {r0 or '-'} | {'-' if lb is None else f'{lb:g}'} | "
              + " | ".join(cells) + " |")
    for (v, part), g in sorted(gaps.items()):
        print(f"{v} {part}: mean gap {statistics.mean(g):.1f} %, max {max(g):.1f} % "
              f"over {len(g)} instances")


def _run_bound(r: dict) -> float | None:
    """The lower bound a run proved (``runs.csv``'s ``bound``), None when it proved none."""
    try:
        bound = float(r.get("bound") or "")
    except ValueError:
        return None
    return bound if bound > 0 and bound != float("inf") else None


def reference(args) -> None:
    """Update the reference file: per instance the best of its reference and the valid
    objectives of the given runs (an instance no run covers keeps its row), and the
    highest lower bound any of those runs proved."""
    rows: dict[str, list[str]] = {}
    if REFERENCE.exists():
        with REFERENCE.open() as fh:
            rows = {r["instance"]: [r["reference"], r["source"], r.get("lower_bound", "")]
                    for r in csv.DictReader(fh) if not r["instance"].startswith("#")}
    proved: dict[str, float] = {}
    for folder in args.folders:
        path = Path(folder) / "runs.csv"
        if not path.is_file():
            sys.exit(f"{path}: no runs.csv (give a folder written by 'suite.py run --out')")
        with path.open() as fh:
            for r in csv.DictReader(fh):
                if r["valid"] != "True" or not r["objective"]:
                    continue
                o = int(r["objective"])
                tag = f"{float(r['limit']):g}s"
                if r["status"] == "optimal":
                    tag = f"proven optimum, {tag}"
                name = r["instance"]
                if name not in rows or o < int(rows[name][0]):
                    bound = rows.get(name, ["", "", ""])[2]
                    rows[name] = [str(o), f"best valid roster of all runs ({tag} run)", bound]
                bound = _run_bound(r)
                if bound is not None and bound > proved.get(name, 0.0):
                    proved[name] = bound
    for name, bound in proved.items():
        if bound > int(rows[name][0]) + 1e-6:
            # a valid roster below a proven bound means one of the two is wrong
            sys.exit(f"{name}: a run proved the bound {bound:g}, above the valid roster "
                     f"{rows[name][0]}; nothing written")
        if not rows[name][2] or bound > float(rows[name][2]):
            rows[name][2] = f"{bound:g}"
    for item in args.bound or []:
        name, _, value = item.partition("=")
        if name not in rows:
            sys.exit(f"--bound {item}: no reference row for {name!r}")
        try:
            bound = float(value)
        except ValueError:
            sys.exit(f"--bound {item}: the bound must be a number (NAME=VALUE)")
        if bound > int(rows[name][0]):
            # a valid roster below a proven bound means one of the two is wrong
            sys.exit(f"--bound {item}: above {name}'s reference {rows[name][0]} (a valid roster)")
        rows[name][2] = value
    with REFERENCE.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["instance", "reference", "source", "lower_bound"])
        for name in [s.name for s in SUITE]:
            if name in rows:
                w.writerow([name, *rows[name]])
    print(f"written {REFERENCE}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--part", choices=("tuning", "holdout", "large", "all"), default=None,
                   help="generated part to run (default: tuning, or none when --file or "
                   "--only is given)")
    r.add_argument("--file", action="append", help="a benchmark file to run too (e.g. a "
                   "public InstanceN.txt; reported against best_known.csv beside it)")
    r.add_argument("--only", nargs="+", action="extend",
                   help="instance names, after one --only or several (default: the whole part)")
    r.add_argument("--variant", action="append", default=None)
    r.add_argument("--seeds", type=int, default=3)
    r.add_argument("--first-seed", type=int, default=0, help="seeds run: first-seed .. first-seed + seeds - 1")
    r.add_argument("--limit", type=float, default=60.0)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--out", required=True)
    c = sub.add_parser("child")
    c.add_argument("file")
    c.add_argument("--variant", default="base")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--limit", type=float, default=60.0)
    c.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("report")
    p.add_argument("folders", nargs="+")
    f = sub.add_parser("reference")
    f.add_argument("folders", nargs="*", help="run folders whose valid rosters may lower a reference")
    f.add_argument("--bound", action="append", help="NAME=lower bound (from suite_bounds.py)")
    a = ap.parse_args()
    if a.cmd == "run":
        a.variant = a.variant or ["base"]
        if a.part is None and not a.file and not a.only:
            a.part = "tuning"  # --only names instances of any part
        run(a)
    elif a.cmd == "child":
        _child(a)
    elif a.cmd == "reference":
        reference(a)
    else:
        report(a)


if __name__ == "__main__":
    main()
