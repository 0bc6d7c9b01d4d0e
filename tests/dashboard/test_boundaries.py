"""The dashboard talks to the API over HTTP only: no database session, no solver."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard"
# (the API's schemas are SQLModel classes, so sqlalchemy itself is loaded; what holds
# engines, sessions, tables and the solver is not)
FORBIDDEN = ("solver", "ortools", "api.db", "api.tables", "api.mapping", "api.routes", "api.jobs",
             "api.app", "api.deps", "api.auth", "psycopg", "planner.compile", "planner.pipeline")


def test_importing_every_dashboard_module_loads_no_database_or_solver_module():
    modules = sorted(f"dashboard.{p.stem}" for p in DASHBOARD.glob("*.py")
                     if p.stem not in ("__init__", "app"))
    modules += sorted(f"dashboard.views.{p.stem}" for p in (DASHBOARD / "views").glob("*.py")
                      if p.stem != "__init__")
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + f"bad = sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))\nprint(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
    assert len(modules) >= 15


def test_no_dashboard_source_imports_the_database_or_the_solver():
    offenders = []
    for path in DASHBOARD.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN + ("sqlmodel",))]
        if "Session(" in path.read_text() or "create_engine" in path.read_text():
            offenders.append(f"{path.name}: opens a database session")
    assert offenders == []
