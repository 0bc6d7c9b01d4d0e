"""The rule registry ties each rule's name to its check, its solver builder and its test."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from planner.check import HARD_CHECKS, PENALTIES
from planner.rules import HARD_RULES, RULES, SOFT_RULES
from solver.rules import BUILDERS

ROOT = Path(__file__).resolve().parents[1]


def _documented(kind: str) -> list[str]:
    """Rule names listed after 'Hard:' or 'Soft ...:' in docs/architecture.md."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(rf"^{kind}[^:]*:(.*?)(?:\n\n|\Z)", text, re.M | re.S)
    assert block, f"docs/architecture.md has no '{kind}:' rule list"
    return re.findall(r"`([a-z_]+)`", block.group(1))


def test_registry_matches_architecture_doc():
    assert list(HARD_RULES) == _documented("Hard")
    assert list(SOFT_RULES) == _documented("Soft")


def test_rule_names_in_rules_doc():
    """Every rule has a row in docs/rules.md, the contract."""
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert set(RULES) == rows


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_has_check_builder_and_test(name):
    info = RULES[name]
    assert info.name == name and info.label and info.description
    assert info.kind in ("hard", "soft")
    assert callable(info.check)
    assert info.check is (HARD_CHECKS if info.kind == "hard" else PENALTIES)[name]
    assert name in BUILDERS and callable(BUILDERS[name]), f"no solver builder for {name}"
    path = ROOT / "tests" / "rules" / f"test_{name}.py"
    assert path.is_file(), f"missing {path.relative_to(ROOT)}"
    tests = [n.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    assert any(t.startswith("test_checker") for t in tests), f"{path.name}: no checker-level test"
    assert any(t.startswith("test_solver") for t in tests), f"{path.name}: no end-to-end solver test"


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
