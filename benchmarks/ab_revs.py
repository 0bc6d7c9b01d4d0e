"""A/B of two versions of the code on generated-suite and public Curtois instances.

Each version is a source tree: ``--base REV`` is exported from git (``git archive``),
``--new`` is this working tree unless given. Runs are interleaved (instance by
instance, seed by seed, base then new) so the shared machine's load hits both alike,
each in a fresh process through the product chain and re-checked by the benchmark's
checker (``benchmarks/suite.py child``).

Usage::

    python benchmarks/ab_revs.py --base 020b030 --seeds 2 --limit 60 \\
        --out /tmp/ab g02 g07 /work/shared/benchmarks/curtois/Instance8.txt
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from curtois_gen import SUITE, generate  # noqa: E402


def _tree(rev: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True)
    if archive.returncode:
        sys.exit(f"--base {rev}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _instances(names: list[str], folder: Path) -> list[Path]:
    shapes = {s.name: s for s in SUITE}
    out = []
    for name in names:
        if name in shapes:
            path = folder / f"{name}.txt"
            path.write_text(generate(shapes[name]), newline="")
        else:
            path = Path(name)
            if not path.is_file():
                sys.exit(f"instance {name!r}: neither a suite name ({', '.join(shapes)}) "
                         "nor a file")
        out.append(path)
    return out


def _child(tree: Path, path: Path, seed: int, limit: float, workers: int) -> dict:
    cmd = [sys.executable, str(tree / "benchmarks" / "suite.py"), "child", str(path),
           "--seed", str(seed), "--limit", str(limit), "--workers", str(workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tree,
                          env={**os.environ, "PYTHONPATH": str(tree)})
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"objective": None, "status": "crashed", "valid": False,
                "problems": [proc.stderr.strip()[-300:]]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instances", nargs="+", help="suite names (g01..h05) or instance files")
    ap.add_argument("--base", required=True, help="git revision of the baseline")
    ap.add_argument("--new", default=str(ROOT), help="source tree of the candidate")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    trees = {"base": _tree(args.base, Path(tempfile.mkdtemp(prefix="rota-ab-"))),
             "new": Path(args.new)}
    paths = _instances(args.instances, out)
    rows = []
    with (out / "runs.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["instance", "variant", "seed", "objective", "valid", "started_utc",
                    "load1"])
        for path in paths:
            for seed in range(args.seeds):
                for name, tree in trees.items():
                    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    load = os.getloadavg()[0]
                    res = _child(tree, path, seed, args.limit, args.workers)
                    row = [path.stem, name, seed, res["objective"], res["valid"], started,
                           f"{load:.1f}"]
                    w.writerow(row)
                    fh.flush()
                    rows.append(row)
                    print(f"{path.stem} {name} seed {seed}: {res['objective']} "
                          f"(valid={res['valid']}, load {load:.1f}) {res.get('problems') or ''}",
                          flush=True)
    print(f"\n| instance | base ({args.base}) median (seeds) | new median (seeds) | change |")
    print("| --- | --- | --- | --- |")
    for stem in dict.fromkeys(r[0] for r in rows):
        cells, meds = [], []
        for name in trees:
            objs = [r[3] if r[4] else None for r in rows if r[0] == stem and r[1] == name]
            med = None if None in objs else statistics.median(objs)
            meds.append(med)
            cells.append(f"{'-' if med is None else f'{med:g}'} "
                         f"({' / '.join('invalid' if o is None else str(o) for o in objs)})")
        change = ("-" if None in meds or not meds[0]
                  else f"{100 * (meds[1] - meds[0]) / meds[0]:+.0f} %")
        print(f"| {stem} | {cells[0]} | {cells[1]} | {change} |")


if __name__ == "__main__":
    main()
