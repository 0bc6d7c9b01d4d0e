"""The rule registry: each rule of the catalogue paired with the checker's own check.

Names, kinds, labels and descriptions come from :mod:`solver.rules.catalog` (declared
once). The independent checker keeps its own name -> check mapping
(``planner.check.HARD_CHECKS`` / ``PENALTIES``: it never imports the solver);
``tests/test_registry.py`` asserts both sides name the same rules, and that every
rule has a solver builder, a warm-start test (hard) or an evaluator entry (soft), a
row in docs/rules.md and a test file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from planner.check.checker import HARD_CHECKS, PENALTIES
from planner.domain import Contract
from solver.rules.catalog import CATALOG, PARAMS


@dataclass(frozen=True)
class RuleInfo:
    """A registered rule."""

    name: str
    label: str
    kind: Literal["hard", "soft"]
    check: Callable
    description: str


def _check(name: str, kind: str) -> Callable:
    checks = HARD_CHECKS if kind == "hard" else PENALTIES
    if name not in checks:
        raise ImportError(f"rule {name!r} of solver/rules/catalog.py has no {kind} check in "
                          "planner/check/checker.py")
    return checks[name]


RULES: dict[str, RuleInfo] = {
    r.name: RuleInfo(r.name, r.label, r.kind, _check(r.name, r.kind), r.description) for r in CATALOG
}

HARD_RULES = tuple(n for n, r in RULES.items() if r.kind == "hard")
SOFT_RULES = tuple(n for n, r in RULES.items() if r.kind == "soft")


def _rule_of(field: str, key: str) -> str:
    if key not in PARAMS:
        raise ImportError(f"planner.domain.Contract.{field}: SolverParam {key!r} is not a "
                          "parameter of any rule in solver/rules/catalog.py")
    return PARAMS[key]


CONTRACT_PARAMS: dict[str, str] = {
    _rule_of(f, m.key): f for f, m in Contract.solver_parameters().items()
}
"""Rule -> the contract field that sets it, for the parameters the solver reads generically
(``planner.explain`` may waive such a rule once, or clear the field for one person)."""
