"""Column generation's root on suite instances: pricing by CP-SAT alone, by the dynamic
programme first (:data:`solver.colgen.DP_PRICING`), and with the programme's unproven
rosters as columns too (:data:`solver.colgen.DP_COLUMNS`), interleaved in one run.

Each (instance, mode, repeat) runs in a fresh process (numba's compiled kernel is
cached on disk, so it is not compiled in the measured time after the first run).
Prints one line per run and, at the end, the median time to convergence per instance
and mode with the ratio to the first mode::

    python benchmarks/colgen_root.py g10 h01 --limit 200 --repeats 3 --modes cpsat dp cols

Modes: ``cpsat`` (CP-SAT prices every person), ``dp`` (the programme first, only its
proven answers), ``cols`` (the programme's rosters of negative reduced cost are columns
as well). A mode may carry settings after a colon, in ``suite.py``'s ``--variant``
form, to compare them on the same root::

    python benchmarks/colgen_root.py g10 h11 --limit 90 --modes cols \
        cols:solver.colgen.DP_STEPS=8 cols:solver.colgen.DP_STEPS=2
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from curtois_gen import SUITE, generate  # noqa: E402
from interleaved import run_children  # noqa: E402

MODES = ("cpsat", "dp", "cols")


def _mode(text: str) -> str:
    """A mode, with settings after a colon (``cols:solver.colgen.DP_STEPS=8``)."""
    if text.partition(":")[0] not in MODES:
        raise argparse.ArgumentTypeError(f"{text!r}: the mode before ':' must be one of {', '.join(MODES)}")
    return text


def _child(name: str, mode: str, limit: float, workers: int) -> None:
    from suite import _patch
    from suite_bounds import _load

    from solver import colgen

    label = mode
    mode, _, settings = mode.partition(":")

    colgen.DP_PRICING = mode in ("dp", "cols")
    colgen.DP_COLUMNS = mode == "cols"
    if settings:
        _patch(settings)  # after the mode's own switches: a setting may override them
    shape = next(s for s in SUITE if s.name == name)
    problem = _load(generate(shape))[1].problem
    b = colgen.colgen_bound(problem, limit, workers)
    print(json.dumps({"instance": name, "mode": label, "bound": b.bound, "lp": b.lp,
                      "converged": b.converged, "rounds": b.rounds, "columns": b.columns,
                      "seconds": round(b.seconds, 2), "lp_seconds": round(b.lp_seconds, 2), "by_dp": b.answered[0],
                      "by_cpsat": b.answered[1], "unproven": b.unproven}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="+", help="suite instance names (benchmarks/curtois_gen.py)")
    ap.add_argument("--limit", type=float, default=200.0, help="seconds per root")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--modes", nargs="+", type=_mode, default=["cpsat", "dp"],
                    help="pricing modes (cpsat, dp, cols), each optionally with settings after a "
                    "colon (cols:solver.colgen.DP_STEPS=8); the first the baseline of the ratios")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.limit, args.workers)
        return
    rows = run_children(__file__, args.names, args.modes, args.repeats,
                        ["--limit", str(args.limit), "--workers", str(args.workers)])
    base = args.modes[0]
    print("| instance | " + " | ".join(f"{m}: s (rounds), answered by the programme, ratio to {base}"
                                       for m in args.modes) + " |")
    print("| --- |" + " --- |" * len(args.modes))
    for name in args.names:
        cells, med = [], {}
        for mode in args.modes:
            mine = [r for r in rows if r["instance"] == name and r["mode"] == mode]
            med[mode] = statistics.median(r["seconds"] for r in mine)
            share = (sum(r["by_dp"] for r in mine)
                     / max(1, sum(r["by_dp"] + r["by_cpsat"] for r in mine)))
            conv = "" if all(r["converged"] for r in mine) else " not converged"
            cells.append(f"{med[mode]:.1f} ({'/'.join(str(r['rounds']) for r in mine)}){conv}, "
                         f"{share:.0%}, {med[base] / med[mode]:.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
