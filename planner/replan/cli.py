"""Day-two commands: ``rota replan``, ``rota explain``, ``rota cover``, ``rota robustness``.

Registered on the planner's Typer app by one line in :mod:`planner.cli`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from planner.cli import (  # noqa: F401 (plan_with_progress: patched by tests)
    Seed, Workers, _fail, _load, console, plan_exit_code, plan_with_progress, print_summary,
)
from planner.exit_codes import ExitCode
from planner.outputs import PlanFileError, read_plan
from planner.scenario_files import ScenarioError
from planner.validation import MAX_HOURS, MAX_INT, check_date

app = typer.Typer(no_args_is_help=True, add_completion=False)


def parse_now(value: str | None) -> dt.datetime | None:
    """``--now`` as an aware datetime (a date means its midnight UTC)."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"--now {value!r}: not an ISO 8601 date-time "
                    "(e.g. 2027-07-12T08:00:00+02:00)") from None
    if moment.tzinfo is None:
        if "T" in value or " " in value:
            raise _fail(f"--now {value!r}: give a UTC offset (e.g. +02:00 or Z)")
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:  # the years every date of Rota lies in (9999-12-31 overflowed)
        check_date(moment.date())
    except ValueError as e:
        raise _fail(f"--now {value!r}: {e}") from None
    return moment


def read_plan_dir(plan_dir: Path, option: str = "--plan"):
    try:
        return read_plan(plan_dir)
    except (PlanFileError, ValueError) as e:
        raise _fail(f"{option} {plan_dir}: {e}") from None


def write_json(path: Path, data: dict) -> None:
    """Write ``--json`` output; a path that cannot be written is a message, not a traceback."""
    import json

    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as e:
        raise _fail(f"--json {path}: cannot write ({e.strerror or e})") from None


@app.command()
def replan(
    scenario: Annotated[Path, typer.Argument(
        help="Scenario folder the published plan was made for.")],
    plan_dir: Annotated[Path, typer.Option("--plan", help="Folder of the published plan.")],
    changes_path: Annotated[Path, typer.Option(
        "--changes", help="Changes folder or file (docs/changes-format.md).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the re-plan into.")],
    now: Annotated[str | None, typer.Option(
        "--now", help="ISO moment of the re-plan (default: now).")] = None,
    frozen_hours: Annotated[float, typer.Option(
        "--frozen-hours", min=0, max=MAX_HOURS,
        help="Hours after --now in which nothing changes.")] = 48.0,
    max_changes: Annotated[int | None, typer.Option(
        "--max-changes", min=0, max=MAX_INT, help="Hard budget of changed duties.")] = None,
    time_limit: Annotated[float, typer.Option(
        "--time-limit", min=0.1, max=24 * 3600, help="Seconds of search.")] = 10.0,
    workers: Workers = 2,
    seed: Seed = 0,
) -> None:
    """Repair a published plan after changes, changing as little as possible.

    Writes the plan folder of `rota solve` plus changes.csv and notify.csv into OUT.
    """
    from planner.replan.changes import change_warnings, load_changes
    from planner.replan.run import write_replan_folder
    from planner.replan.run import replan as do_replan
    from solver import SolveOptions

    base = _load(scenario)
    published = read_plan_dir(plan_dir)
    moment = parse_now(now)
    try:
        changed, notes = load_changes(base, changes_path)
    except ScenarioError as e:
        raise _fail(f"--changes {changes_path}: {e}") from None
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out}: exists and is not a folder")
    for n in notes:
        console.print(f"change: {escape(n)}")
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    r = do_replan(changed, published, options, now=moment, frozen_hours=frozen_hours,
                  max_changes=max_changes)
    data = write_replan_folder(out, r, options, change_warnings(base, changed))
    print_summary(data, out)
    rp = data["replan"]
    console.print(f"changes: {rp['changes']} chosen, {rp['forced_removals']} forced removals, "
                  f"{rp['technicians_notified']} technicians to notify "
                  f"(written: {out / 'changes.csv'}, {out / 'notify.csv'})")
    raise typer.Exit(code=plan_exit_code(r.outcome))


@app.command()
def explain(
    scenario: Annotated[Path, typer.Argument(help="Scenario folder.")],
    plan_dir: Annotated[Path, typer.Argument(help="Plan folder holding assignments.csv.")],
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write the explanation as JSON.")] = None,
    contractor_cost: Annotated[int, typer.Option(
        "--contractor-cost", min=0, help="Objective cost of one external contractor duty.")] = 100,
    solve: Annotated[float, typer.Option(
        "--solve", min=0, help="Also re-plan each gap's best train/relax fixes with the "
                               "solver, this many seconds each (0 = checker only).")] = 0.0,
) -> None:
    """Explain every coverage gap of a plan: who could have worked it, what kept them out,
    and the smallest fixes."""
    from planner.explain import explain_gaps

    sc = _load(scenario)
    plan = read_plan_dir(plan_dir, "plan folder")
    gaps = explain_gaps(sc, plan, contractor_cost=contractor_cost)
    if json_out is not None:
        write_json(json_out, {"gaps": [g.as_dict() for g in gaps]})
    if not gaps:
        console.print("[green]no coverage gap[/]")
        return
    for g in gaps:
        console.print(f"[bold]{g.client} {g.date} {g.shift} {g.skill or '-'}[/]: "
                      f"{g.assigned}/{g.required}, short {g.shortfall}")
        for c in g.candidates:
            console.print(f"  {c.technician:<10} {c.reason:<17} {c.detail}")
        for f in g.fixes:
            console.print(f"  [cyan]fix[/] {f.cost:+6d}  {f.description}")
        if solve > 0:
            from planner.explain import solver_fixes

            for f in solver_fixes(sc, plan, g, solve):
                console.print(f"  [magenta]solver fix[/] {f.cost:+6d}  {f.description}")
    if json_out is not None:
        console.print(f"written: {json_out}")


@app.command()
def cover(
    scenario: Annotated[Path, typer.Argument(help="Scenario folder.")],
    plan_dir: Annotated[Path, typer.Argument(help="Plan folder holding assignments.csv.")],
    client: Annotated[str, typer.Option("--client", help="Client of the duty.")],
    date: Annotated[str, typer.Option("--date", help="Date of the duty (YYYY-MM-DD).")],
    shift: Annotated[str, typer.Option("--shift", help="Shift type of the duty.")],
    skill: Annotated[str, typer.Option("--skill", help="Skill of the duty ('' = none).")] = "",
    giver: Annotated[str | None, typer.Option(
        "--giver", help="Technician giving the duty up (default: an open duty).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many to list.")] = 10,
) -> None:
    """Who can take a duty without breaking a hard rule, cheapest first."""
    from planner.cover import CoverError, who_can_cover

    sc = _load(scenario)
    plan = read_plan_dir(plan_dir, "plan folder")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise _fail(f"--date {date!r}: not a date (YYYY-MM-DD)") from None
    try:
        options = who_can_cover(sc, plan, client, day, shift, skill, giver)
    except CoverError as e:
        raise _fail(str(e)) from None
    if not options:
        console.print("nobody can take it without breaking a hard rule "
                      "(see `rota explain` for why)")
        raise typer.Exit(code=ExitCode.no_plan)
    for o in options[:limit]:
        extra = ", ".join(f"{k} {v:+d}" for k, v in sorted(o.penalties.items()))
        console.print(f"{o.technician:<10} {o.name:<24} cost {o.cost:+5d}  "
                      f"{'backup ' if o.backup else ''}{o.week_hours:g} h that week  {extra}")


@app.command()
def robustness(
    scenario: Annotated[Path, typer.Argument(help="Scenario folder.")],
    plan_dir: Annotated[Path, typer.Argument(help="Plan folder holding assignments.csv.")],
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write the report as JSON.")] = None,
) -> None:
    """N-1 per client and day, single points of failure, cross-training advice."""
    from planner.robustness import robustness as compute

    sc = _load(scenario)
    plan = read_plan_dir(plan_dir, "plan folder")
    r = compute(sc, plan)
    if json_out is not None:
        write_json(json_out, r.as_dict())
    weak = [d for d in r.days if not d.n_minus_1]
    console.print(f"N-1 robust client-days: {len(r.days) - len(weak)}/{len(r.days)} "
                  f"({100 * r.robust_share:.0f} %)")
    for d in weak:
        why = (f"short {d.shortfall}" if d.shortfall else
               f"single points of failure: {', '.join(d.single_points_of_failure)}")
        console.print(f"  {d.date} {d.client:<8} {why}")
    risky = r.oncall_at_risk
    console.print(f"on-call roles covered N-1: {len(r.oncall) - len(risky)}/{len(r.oncall)}")
    for o in risky:
        why = f"nobody can replace {o.holder}" if o.holder else "unfilled in the plan"
        console.print(f"  {o.start:%Y-%m-%d %H:%M} {o.rotation} {o.role}: {why}")
    if r.advice:
        console.print("cross-training advice (removes single points of failure):")
        for a in r.advice:
            also = f" and skill {a.skill}" if a.skill else ""
            console.print(f"  train {a.technician} ({a.name}) on {a.client}{also}: {a.removes}")

