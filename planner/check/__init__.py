"""The independent plan checker: it never imports ``solver``.

``check(scenario, plan)`` finds every hard-rule violation of any plan and
recomputes the objective from docs/rules.md.
"""

from planner.check.checker import HARD_CHECKS, PENALTIES, check
from planner.check.context import Context
from planner.check.report import CheckReport, CoverageRow, FairnessRow, UnfilledOnCall, Violation

__all__ = [
    "HARD_CHECKS",
    "PENALTIES",
    "CheckReport",
    "Context",
    "CoverageRow",
    "FairnessRow",
    "UnfilledOnCall",
    "Violation",
    "check",
]
