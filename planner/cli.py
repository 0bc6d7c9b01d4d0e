"""Commands that need no database: ``rota solve``, ``rota check``, ``rota bench``."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from planner.check import check
from planner.compile import CompileError
from planner.curtois.cli import app as curtois_app
from planner.exit_codes import ExitCode
from planner.outputs import PlanFileError, read_plan, write_plan_folder
from planner.scenario_files import ScenarioError, load_scenario

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Rota: rosters and on-call plans.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks: public instances through Rota's solver.")
bench_app.add_typer(curtois_app)
app.add_typer(bench_app, name="bench")
console = Console()
err = Console(stderr=True)

# options several commands share (rota solve, demo, replan)
TimeLimit = Annotated[float, typer.Option("--time-limit", min=0.1, help="Seconds of search.")]
Workers = Annotated[int, typer.Option("--workers", min=1, max=64, help="CP-SAT search workers.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Random seed.")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")  # '[rules]' is text, not markup
    return typer.Exit(code=ExitCode.bad_input)


def _load(path: Path):
    try:
        return load_scenario(path)
    except (ScenarioError, OSError) as e:
        raise _fail(str(e)) from None


def plan_with_progress(sc, label: str, options_kwargs: dict, show: bool = True):
    """Plan ``sc`` in a thread while a live line shows the best plan and bound so far.

    Returns the :class:`planner.pipeline.PlanOutcome` and the options used; raises
    :class:`typer.Exit` with a clear message when the scenario cannot be compiled.
    """
    from planner.pipeline import plan_scenario
    from solver import SolveOptions

    limit = options_kwargs.get("time_limit", 30.0)
    state = {"objective": None, "bound": None, "found": 0}
    lock = threading.Lock()

    def on_progress(p) -> None:
        with lock:
            state.update(objective=p.objective, bound=p.bound, found=state["found"] + 1)

    def line(elapsed: float) -> str:
        with lock:
            obj, bound, found = state["objective"], state["bound"], state["found"]
        if obj is None:
            return f"solving {label}: {elapsed:5.1f}/{limit:.0f} s, no plan yet"
        return (f"solving {label}: {elapsed:5.1f}/{limit:.0f} s, "
                f"best {obj:,.0f}, bound {bound:,.0f}, {found} improving plans")

    options = SolveOptions(on_progress=on_progress, **options_kwargs)
    box: dict = {}

    def work() -> None:
        try:
            box["outcome"] = plan_scenario(sc, options)
        except CompileError as e:
            box["error"] = str(e)

    t0 = time.monotonic()
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    if not show or options.log or not console.is_terminal:
        thread.join()
    else:
        with Live(line(0), console=console, refresh_per_second=4, transient=True) as live:
            while thread.is_alive():
                thread.join(0.25)
                live.update(line(time.monotonic() - t0))
    if "error" in box:
        raise _fail(box["error"])
    return box["outcome"], options


@app.command()
def solve(
    scenario: Annotated[Path, typer.Argument(help="Scenario folder (CSV files + settings.toml).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the plan into.")],
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    log: Annotated[bool, typer.Option("--log", help="Print the CP-SAT search log.")] = False,
) -> None:
    """Plan SCENARIO and write assignments.csv, coverage.csv and summary.json into OUT."""
    sc = _load(scenario)
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out}: exists and is not a folder")
    outcome, options = plan_with_progress(
        sc, sc.name or scenario.name,
        dict(time_limit=time_limit, workers=workers, seed=seed, log=log))
    data = write_plan_folder(out, sc, outcome, options)
    print_summary(data, out)
    raise typer.Exit(code=plan_exit_code(outcome))


def plan_exit_code(outcome) -> ExitCode:
    """The exit code of a command that planned: no plan, a hard violation, or ok."""
    if not outcome.result.status.has_plan:
        return ExitCode.no_plan
    return ExitCode.violation if outcome.report.violations else ExitCode.ok


def print_summary(data: dict, out: Path) -> None:
    t = Table(title="Plan", show_header=False)
    t.add_row("status", str(data["status"]))
    t.add_row("objective", f"{data['objective']}" if data["objective"] is not None else "-")
    t.add_row("best bound", f"{data['best_bound']:.0f}" if data["best_bound"] is not None else "-")
    t.add_row("gap", f"{data['gap_percent']} %" if data["gap_percent"] is not None else "-")
    if data.get("bound_source"):
        t.add_row("bound from", str(data["bound_source"]))
    t.add_row("solve time", f"{data['solve_seconds']} s")
    t.add_row("shifts / on-call", f"{data['assignments']} / {data['oncall']}")
    cov = data["coverage"]
    t.add_row("coverage", f"{cov['assigned']}/{cov['required']} people-shifts, shortfall {cov['shortfall']}")
    t.add_row("hard violations", str(data["checker"]["hard_violations"]))
    for name, value in sorted(data["penalties"].items()):
        if value:
            t.add_row(f"  penalty {name}", str(value))
    console.print(t)
    if data.get("conflicts"):
        console.print("[bold red]no plan: these hard rules conflict[/] (rule: technician):")
        for c in data["conflicts"]:
            console.print(f"  {c}")
    for w in data.get("warnings", ()):
        console.print(f"[yellow]warning:[/] {escape(w)}")
    console.print(f"written: {out / 'assignments.csv'}, {out / 'coverage.csv'}, {out / 'summary.json'}")


@app.command("check")
def check_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario folder.")],
    plan_dir: Annotated[Path, typer.Argument(help="Plan folder holding assignments.csv.")],
) -> None:
    """Check a plan folder against SCENARIO; exit 1 when a hard rule is violated."""
    sc = _load(scenario)
    try:
        plan = read_plan(plan_dir)
    except (PlanFileError, ValueError) as e:
        raise _fail(str(e)) from None
    report = check(sc, plan)
    console.print(f"objective {report.objective} ({', '.join(f'{k} {v}' for k, v in sorted(report.penalties.items()) if v) or 'no penalty'})")
    short = sum(r.shortfall for r in report.coverage)
    console.print(f"coverage shortfall {short} people-shifts over {len(report.coverage)} duties")
    if report.violations:
        for v in report.violations[:50]:
            console.print(f"[red]{v.rule}[/]: {v.message}")
        if len(report.violations) > 50:
            console.print(f"... and {len(report.violations) - 50} more")
        console.print(f"[bold red]{len(report.violations)} hard violation(s)[/]")
        raise typer.Exit(code=ExitCode.violation)
    console.print("[green]no hard violation[/]")


# day-two commands (replan, explain, cover, robustness) live in planner/replan/cli.py
from planner.replan.cli import app as _day2  # noqa: E402

app.registered_commands.extend(_day2.registered_commands)
