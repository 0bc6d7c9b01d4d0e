"""Benchmark figures: best-known values, per-seed runs, the results table and ``results.csv``."""

from __future__ import annotations

import csv
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from planner.curtois.checker import CheckResult
from solver import SolveStatus

BEST_KNOWN_FILE = "best_known.csv"
RESULT_COLUMNS = (
    "instance",
    "objective",
    "best_known",
    "gap_percent",
    "lower_bound",
    "status",
    "seconds",
    "seeds",
    "seed_objectives",
    "time_limit",
    "workers",
)


class BestKnownError(ValueError):
    """A malformed best-known file; the message names the file and line."""


@dataclass(frozen=True)
class BestKnown:
    """The published best-known objective (an upper bound) and proven lower bound."""

    upper: int
    lower: int | None


def read_best_known(path: str | Path) -> dict[str, BestKnown]:
    """Read ``best_known.csv`` (``instance,best_known_upper_bound,lower_bound``).

    Raises
    ------
    BestKnownError
        On a missing file, a missing column or a non-integer value.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise BestKnownError(f"{p}: cannot read ({e.strerror or e})") from None
    rows = list(csv.reader(text.splitlines()))
    want = ("instance", "best_known_upper_bound", "lower_bound")
    if not rows or tuple(c.strip() for c in rows[0][:3]) != want:
        raise BestKnownError(f"{p}, line 1: expected the header {','.join(want)}")
    out: dict[str, BestKnown] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise BestKnownError(f"{p}, line {number}: expected instance,best_known_upper_bound[,lower_bound]")
        name, upper, lower = row[0].strip(), row[1].strip(), (row[2].strip() if len(row) > 2 else "")
        try:
            out[name] = BestKnown(int(upper), int(lower) if lower else None)
        except ValueError:
            raise BestKnownError(f"{p}, line {number}: bounds must be integers, found {upper!r}, {lower!r}") from None
    return out


@dataclass(frozen=True)
class SeedRun:
    """One solve of one instance with one seed, and what the checker made of its roster."""

    seed: int
    status: SolveStatus
    solver_objective: int | None
    domain_objective: int | None
    check: CheckResult
    lower_bound: float | None
    seconds: float
    roster: tuple[tuple[str, int, str], ...]
    first_seconds: float | None = None
    """When the solver reported its first plan (seconds from the call)."""

    @property
    def objective(self) -> int:
        """The benchmark objective of the roster, recomputed by the independent checker."""
        return self.check.objective

    @property
    def problems(self) -> list[str]:
        """Why this run cannot be trusted (empty when the roster is valid and agreed)."""
        out = []
        if not SolveStatus(self.status).has_plan:
            out.append(f"solver status {self.status}: no roster found")
        if self.check.violations:
            first = "; ".join(v.message for v in self.check.violations[:3])
            out.append(f"{len(self.check.violations)} hard violation(s): {first}")
        if self.solver_objective != self.check.objective:
            out.append(
                f"objectives disagree: solver {self.solver_objective}, "
                f"benchmark checker {self.check.objective}, domain checker {self.domain_objective}"
            )
        return out


@dataclass(frozen=True)
class InstanceResult:
    """The runs of one instance over all seeds, and its table row."""

    instance: str
    runs: tuple[SeedRun, ...]
    best_known: BestKnown | None

    @property
    def best(self) -> SeedRun:
        """The trusted run with the lowest objective (any run when none is trusted)."""
        trusted = [r for r in self.runs if not r.problems] or list(self.runs)
        return min(trusted, key=lambda r: (r.objective, r.seed))

    @property
    def objective(self) -> float:
        """Median over seeds of the checker's objective."""
        return statistics.median(r.objective for r in self.runs)

    @property
    def gap_percent(self) -> float | None:
        if self.best_known is None or self.best_known.upper == 0:
            return None
        return 100.0 * (self.objective - self.best_known.upper) / self.best_known.upper

    @property
    def lower_bound(self) -> int | None:
        """The best proven bound over the seeds (rounded up: objectives are integers)."""
        bounds = [r.lower_bound for r in self.runs if r.lower_bound is not None]
        return math.ceil(max(bounds) - 1e-6) if bounds else None

    @property
    def status(self) -> str:
        return "/".join(sorted({r.status for r in self.runs}))

    @property
    def seconds(self) -> float:
        """Median wall time per run."""
        return statistics.median(r.seconds for r in self.runs)

    def row(self, time_limit: float, workers: int) -> dict[str, str]:
        """The ``results.csv`` row."""
        return {
            "instance": self.instance,
            "objective": _num(self.objective),
            "best_known": "" if self.best_known is None else str(self.best_known.upper),
            "gap_percent": "" if self.gap_percent is None else f"{self.gap_percent:.2f}",
            "lower_bound": "" if self.lower_bound is None else str(self.lower_bound),
            "status": self.status,
            "seconds": f"{self.seconds:.1f}",
            "seeds": str(len(self.runs)),
            "seed_objectives": ";".join(str(r.objective) for r in self.runs),
            "time_limit": _num(time_limit),
            "workers": str(workers),
        }


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def write_results(path: str | Path, results: list[InstanceResult], time_limit: float, workers: int) -> Path:
    """Write ``results.csv`` with one row per instance (columns :data:`RESULT_COLUMNS`)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=RESULT_COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in results:
            w.writerow(r.row(time_limit, workers))
    return p
