"""``rota bench curtois``: solve benchmark instances with Rota's own solver and check them.

The Typer app :data:`app` holds the one command ``curtois``; mount it under the
``bench`` group (``bench.add_typer(app)`` or ``main.add_typer(app, name="bench")``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from planner.curtois.checker import check_roster
from planner.curtois.instance import Instance
from planner.curtois.parser import InstanceError, parse_instance
from planner.curtois.results import (
    BEST_KNOWN_FILE,
    BestKnown,
    BestKnownError,
    InstanceResult,
    SeedRun,
    read_best_known,
    write_results,
)
from planner.curtois.roster import plan_to_roster, roster_path, write_roster
from planner.curtois.to_domain import instance_to_scenario
from planner.domain import Scenario
from planner.exit_codes import ExitCode

app = typer.Typer(add_completion=False, help="Public benchmarks, solved by Rota's own solver.")
console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = ExitCode.bad_input) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=code)


def _plan_scenario(scenario: Scenario, options):
    """The product pipeline (imported late: the solver is only needed to solve)."""
    from planner.pipeline import plan_scenario

    return plan_scenario(scenario, options)


def _solve_options(time_limit: float, workers: int, seed: int, log: bool):
    from solver.result import SolveOptions

    return SolveOptions(time_limit=time_limit, workers=workers, seed=seed, log=log)


def run_seed(instance: Instance, scenario: Scenario, options) -> SeedRun:
    """Plan one instance through the product pipeline and check the roster independently."""
    t0 = time.monotonic()
    outcome = _plan_scenario(scenario, options)
    elapsed = time.monotonic() - t0
    result = outcome.result
    roster = plan_to_roster(outcome.plan)
    report = getattr(outcome, "report", None)
    return SeedRun(
        seed=options.seed,
        status=result.status,
        solver_objective=result.objective,
        domain_objective=None if report is None else report.objective,
        check=check_roster(instance, roster),
        lower_bound=result.best_bound,
        seconds=result.wall_seconds or elapsed,
        roster=roster,
        first_seconds=result.first_solution_seconds,
    )


def _best_known(files: list[Path], explicit: Optional[Path]) -> dict[Path, dict[str, BestKnown]]:
    """Best-known table per instance file: ``--best-known``, else the file's own folder."""
    cache: dict[Path, dict[str, BestKnown]] = {}
    out = {}
    for f in files:
        source = explicit if explicit is not None else f.parent / BEST_KNOWN_FILE
        if source not in cache:
            if explicit is None and not source.is_file():
                cache[source] = {}
            else:
                try:
                    cache[source] = read_best_known(source)
                except BestKnownError as e:
                    raise _fail(str(e)) from None
        out[f] = cache[source]
    return out


def _table(results: list[InstanceResult], seeds: int, title: str) -> Table:
    t = Table(title=title)
    for name in ("instance", "objective", "best known", "gap %", "lower bound", "status", "seconds"):
        t.add_column(name, justify="left" if name in ("instance", "status") else "right", no_wrap=True)
    if seeds > 1:
        t.add_column("seeds", justify="right", no_wrap=True)
    for r in results:
        row = r.row(0, 0)
        cells = [
            r.instance,
            row["objective"] + ("" if not any(x.problems for x in r.runs) else " [red]![/]"),
            row["best_known"] or "-",
            row["gap_percent"] or "-",
            row["lower_bound"] or "-",
            r.status,
            row["seconds"],
        ]
        if seeds > 1:
            cells.append(" ".join(str(x.objective) for x in r.runs))
        t.add_row(*cells)
    return t


@app.command("curtois")
def curtois(
    files: Annotated[list[Path], typer.Argument(
        help="Instance files (InstanceN.txt), Curtois & Qu format.")],
    time_limit: Annotated[float, typer.Option(
        "--time-limit", min=0.1, help="Seconds of search per run.")] = 60.0,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64, help="CP-SAT search workers.")] = 2,
    seeds: Annotated[int, typer.Option(
        "--seeds", min=1, max=100, help="Runs per instance, seeds 0..K-1.")] = 1,
    out: Annotated[Path, typer.Option(
        "--out", help="Folder for rosters and results.csv.")] = Path("bench-curtois"),
    best_known: Annotated[Optional[Path], typer.Option(
        "--best-known",
        help=f"Best-known values (default: {BEST_KNOWN_FILE} next to each file).")] = None,
    log: Annotated[bool, typer.Option("--log", help="Print the CP-SAT search log.")] = False,
) -> None:
    """Solve each FILE with Rota's solver, check every roster independently, print the table.

    Writes DIR/<Instance>.roster.csv (the best seed's roster) and DIR/results.csv.
    The objective shown is the benchmark checker's recomputed value.
    Exits 1 when a roster breaks a hard rule or the solver's objective differs from the checker's.
    """
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out}: exists and is not a folder")
    # read everything first: a bad file fails before any time is spent solving
    instances: list[tuple[Path, Instance, Scenario]] = []
    names: dict[str, Path] = {}
    for f in files:
        if not f.is_file():
            raise _fail(f"{f}: " + ("is not a file" if f.exists() else "no such file"))
        try:
            inst = parse_instance(f)
            scenario = instance_to_scenario(inst)
        except (InstanceError, ValueError) as e:
            raise _fail(f"{f}: {e}" if str(f) not in str(e) else str(e)) from None
        if inst.name in names:
            raise _fail(f"{f}: instance {inst.name} given twice (also {names[inst.name]})")
        names[inst.name] = f
        instances.append((f, inst, scenario))
    known = _best_known(files, best_known)

    results: list[InstanceResult] = []
    problems: list[str] = []
    for f, inst, scenario in instances:
        runs = []
        for seed in range(seeds):
            try:
                run = run_seed(inst, scenario, _solve_options(time_limit, workers, seed, log))
            except ImportError as e:
                raise _fail(f"the solver pipeline is not available ({e})") from None
            except ValueError as e:  # a compile error names what the scenario lacks
                raise _fail(f"{f}: {e}") from None
            runs.append(run)
            flag = "" if not run.problems else "  [red]" + " | ".join(run.problems) + "[/]"
            err.print(
                f"{inst.name} seed {seed}: {run.objective} ({run.status}, {run.seconds:.1f} s){flag}",
                highlight=False,
                soft_wrap=True,
            )
            problems.extend(f"{inst.name} seed {seed}: {p}" for p in run.problems)
        result = InstanceResult(inst.name, tuple(runs), known[f].get(inst.name))
        results.append(result)
        write_roster(roster_path(out, inst.name), result.best.roster)

    csv_path = write_results(out / "results.csv", results, time_limit, workers)
    title = f"Curtois & Qu, {time_limit:g} s, {workers} worker(s), {seeds} seed(s)"
    # rich falls back to 80 columns in a log or a pipe, which cuts the figures
    wide = console if console.is_terminal else Console(width=140)
    wide.print(_table(results, seeds, title))
    console.print(f"written: {out}/<Instance>.roster.csv, {csv_path}", highlight=False)
    if problems:
        for p in problems:
            err.print(f"[bold red]FAILED[/] {p}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=ExitCode.violation)


if __name__ == "__main__":  # until the rota entry point mounts it: python -m planner.curtois.cli
    app()
