"""The rule catalogue (solver/rules/catalog.py) is the one list of rules; every place
that must know each rule is looked up from it, and this test fails when one misses a
rule: the solver builder, the checker's check (hard or penalty), the warm start's
feasibility tests (hard), the soft-rule evaluator (soft), the table of docs/rules.md,
the test file. Each failure mode is shown by taking one entry away."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import solver.evaluate as evaluate_mod
import solver.roster as roster
import solver.rules as solver_rules
from planner.check import HARD_CHECKS, PENALTIES
from planner.rules import HARD_RULES, RULES, SOFT_RULES
from solver.problem import Duty, Person, Problem
from solver.rules.catalog import CATALOG, RuleSpec, markdown_table

ROOT = Path(__file__).resolve().parents[1]
RULES_DOC = ROOT / "docs" / "rules.md"


def _tiny_problem() -> Problem:
    return Problem(num_days=1, people=(Person("p"),),
                   duties=(Duty("d", 0, 0, 60, "D", 60),), eligible={"d": ("p",)})


def problems(catalog: tuple[RuleSpec, ...] = CATALOG, docs: str | None = None) -> list[str]:
    """Every place that misses a rule of ``catalog`` (or knows one it does not have)."""
    docs = RULES_DOC.read_text(encoding="utf-8") if docs is None else docs
    hard = [r.name for r in catalog if r.kind == "hard"]
    soft = [r.name for r in catalog if r.kind == "soft"]
    out = []
    for r in catalog:
        if not callable(solver_rules.BUILDERS.get(r.name)):
            out.append(f"{r.name}: no solver builder")
        if r.name not in (HARD_CHECKS if r.kind == "hard" else PENALTIES):
            out.append(f"{r.name}: no {r.kind} check in planner/check/checker.py")
        path = ROOT / "tests" / "rules" / f"test_{r.name}.py"
        if not path.is_file():
            out.append(f"{r.name}: no {path.relative_to(ROOT)}")
            continue
        tests = [n.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
        if not any(t.startswith("test_checker") for t in tests):
            out.append(f"{r.name}: {path.name} has no checker-level test")
        if not any(t.startswith("test_solver") for t in tests):
            out.append(f"{r.name}: {path.name} has no end-to-end solver test")
    for name in set(HARD_CHECKS) - set(hard):
        out.append(f"{name}: hard check of a rule not in the catalogue")
    for name in set(PENALTIES) - set(soft):
        out.append(f"{name}: penalty of a rule not in the catalogue")
    # the warm start: every hard rule tested, or unbreakable by construction
    for name in hard:
        if (name in roster.FITS) == (name in roster.BY_CONSTRUCTION):
            out.append(f"{name}: the warm start must test it (fits_{name} beside its builder, or "
                       "FITS of solver/roster.py) or say in BY_CONSTRUCTION why it cannot break "
                       "it (exactly one)")
    for name in set(roster.FITS) | set(roster.VALID) | set(roster.BY_CONSTRUCTION):
        if name not in hard:
            out.append(f"{name}: warm-start test of a rule not in the catalogue")
    for name in set(roster.FITS) - set(roster.VALID) - {"one_shift_per_day"}:
        out.append(f"{name}: in FITS but not in VALID (the whole-horizon test)")
    # the evaluator computes exactly the soft rules
    try:
        got = evaluate_mod.evaluate(_tiny_problem(), ()).penalties
        if list(got) != soft:
            out.append(f"evaluator penalties {list(got)} are not the soft rules {soft}")
    except KeyError as e:
        out.append(f"evaluator: {e}")
    # docs/rules.md: the summary table is the catalogue's, and each rule has its row
    if markdown_table() not in docs:
        out.append("docs/rules.md: the summary table differs from solver/rules/catalog.py "
                   "(paste `python -c 'from solver.rules.catalog import markdown_table as t; print(t())'`)")
    rows = set(re.findall(r"^\| `([a-z_]+)` \| (?!hard|soft)", docs, re.M))
    for r in catalog:
        if r.name not in rows:
            out.append(f"{r.name}: no semantics row in docs/rules.md")
    return out


def test_every_place_knows_every_rule():
    assert problems() == []


def test_planner_registry_is_the_catalogue():
    assert list(RULES) == [r.name for r in CATALOG]
    assert HARD_RULES == solver_rules.HARD_RULES and SOFT_RULES == solver_rules.SOFT_RULES
    for r in CATALOG:
        info = RULES[r.name]
        assert (info.label, info.kind, info.description) == (r.label, r.kind, r.description)
        assert info.check is (HARD_CHECKS if r.kind == "hard" else PENALTIES)[r.name]
    assert list(solver_rules.BUILDERS) == [r.name for r in CATALOG]


# --- each failure mode, shown by taking one entry away ------------------------------------


def _without(request, mapping: dict, key: str) -> None:
    """Take ``key`` out of ``mapping`` for one test, then put the whole mapping back in its
    order (``monkeypatch.delitem`` re-inserts it last: later tests would build and check
    the rules in another order)."""
    saved = dict(mapping)
    del mapping[key]
    request.addfinalizer(lambda: (mapping.clear(), mapping.update(saved)))

NEW_HARD = RuleSpec("night_cap", "hard", "Night cap", "at most n nights")
NEW_SOFT = RuleSpec("late_bonus", "soft", "Late bonus", "late shifts given to volunteers")


def test_fails_without_warm_start_test(request):
    _without(request, roster.FITS, "min_rest")
    assert any(p.startswith("min_rest: the warm start") for p in problems())


def test_fails_without_whole_horizon_test(request):
    _without(request, roster.VALID, "max_weekends")
    assert "max_weekends: in FITS but not in VALID (the whole-horizon test)" in problems()


def test_fails_for_a_new_hard_rule_everywhere():
    """A hard rule added to the catalogue alone is reported by every place that lacks it."""
    got = [p for p in problems(CATALOG + (NEW_HARD,)) if p.startswith("night_cap")]
    assert got == [
        "night_cap: no solver builder",
        "night_cap: no hard check in planner/check/checker.py",
        "night_cap: no tests/rules/test_night_cap.py",
        "night_cap: the warm start must test it (fits_night_cap beside its builder, or FITS of "
        "solver/roster.py) or say in BY_CONSTRUCTION why it cannot break it (exactly one)",
        "night_cap: no semantics row in docs/rules.md",
    ]


def test_fails_without_evaluator_entry(monkeypatch):
    """A soft rule the evaluator does not compute."""
    monkeypatch.setattr(evaluate_mod, "SOFT_RULES", SOFT_RULES + ("late_bonus",))
    got = problems(CATALOG + (NEW_SOFT,))
    assert any(p.startswith("evaluator:") and "late_bonus" in p for p in got), got
    assert "late_bonus: no soft check in planner/check/checker.py" in got


def test_fails_without_checker_entry(request):
    _without(request, HARD_CHECKS, "max_weekends")
    assert "max_weekends: no hard check in planner/check/checker.py" in problems()


def test_fails_without_builder(request):
    _without(request, solver_rules.BUILDERS, "continuity")
    assert "continuity: no solver builder" in problems()


def test_fails_without_docs_row():
    docs = RULES_DOC.read_text(encoding="utf-8")
    without = re.sub(r"^\| `max_weekends` \| (?!hard).*\n", "", docs, flags=re.M)
    assert without != docs
    assert problems(docs=without) == ["max_weekends: no semantics row in docs/rules.md"]
    stale = docs.replace("| Maximum weekends worked |", "| Max weekends |")
    assert problems(docs=stale)[0].startswith("docs/rules.md: the summary table differs")


def test_warm_start_tests_beside_the_builder_are_found(monkeypatch):
    """fits_<rule> / valid_<rule> in a module of solver/rules/ join FITS / VALID (weekly_rest
    keeps its tests beside its builder); two of one name are refused."""
    from solver.rules import timing

    assert roster.FITS["weekly_rest"] is timing.fits_weekly_rest
    assert roster.VALID["weekly_rest"] is timing.valid_weekly_rest
    assert solver_rules.warm_start_tests("fits") == {"weekly_rest": timing.fits_weekly_rest}
    monkeypatch.setattr(solver_rules.hours, "fits_weekly_rest", timing.fits_weekly_rest, raising=False)
    with pytest.raises(ImportError, match="'weekly_rest': 2 functions fits_weekly_rest"):
        solver_rules.warm_start_tests("fits")


def test_builder_lookup_names_the_missing_rule():
    with pytest.raises(ImportError, match="'night_cap'"):
        solver_rules._builder("night_cap")


def test_architecture_doc_points_to_the_catalogue():
    """The rule names are not copied into docs/architecture.md any more."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "solver/rules/catalog.py" in text
    assert "`oncall_backup_distinct`" not in text


def test_weekly_rest_is_written_in_five_files():
    """Issue 13's measure: the rule `weekly_rest` with its contract parameter is written in
    five files (docs/architecture.md, "How to add a rule"); every other mention outside the
    tests is generated (the contracts.csv table of docs/scenario-format.md)."""
    from planner.scenario_io.doc_tables import BEGIN, END

    found = set()
    for top in ("solver", "planner", "api", "dashboard", "docs", "benchmarks"):
        for path in (ROOT / top).rglob("*"):
            if path.suffix not in (".py", ".md", ".toml", ".csv") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            if BEGIN in text:  # the generated block
                text = text[:text.index(BEGIN)] + text[text.index(END):]
            if "weekly_rest" in text:
                found.add(path.relative_to(ROOT).as_posix())
    found.discard("docs/architecture.md")  # names it as the checklist's example
    assert sorted(found) == ["docs/rules.md", "planner/check/duties.py", "planner/domain.py",
                             "solver/rules/catalog.py", "solver/rules/timing.py"]


def test_checker_never_imports_solver():
    import planner.check as pkg

    for module in Path(inspect.getfile(pkg)).parent.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for n in names:
                assert not (n == "solver" or n.startswith("solver.") or n.startswith("ortools")), \
                    f"{module.name} imports {n}"
