"""What the team scoping of every query costs the API (issue 14, teams).

Builds a SQLite database with two teams of the same generated scenario, a published
plan each, and times in-process requests (FastAPI TestClient, no network) of a few
read routes of team A's manager, alternating two variants in the same run:

- ``scoped``: as shipped, every ORM query gets ``team_id = :team`` on each team-owned
  table (``api.teams``, ``with_loader_criteria``);
- ``unscoped``: the criteria switched off (``api.teams._team_models`` returns nothing;
  the answers are then wrong with two teams: a measurement baseline only).

The schedule route is measured with its response cache cleared before every request
(a cache hit reads one stamp row and no team-owned table). Prints medians per route
and variant, and their ratio.

    python benchmarks/team_scope_bench.py [--technicians 100] [--weeks 4] [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from planner.generate import generate_scenario  # noqa: E402
from planner.pipeline import plan_scenario  # noqa: E402
from solver.result import SolveOptions  # noqa: E402
from api import cache, teams  # noqa: E402
from api import tables as t  # noqa: E402
from api.app import create_app  # noqa: E402
from api.auth import hash_password, issue_token  # noqa: E402
from api.db import make_engine, upgrade  # noqa: E402
from api.mapping import plan_to_rows  # noqa: E402
from api.scenarios import store_scenario  # noqa: E402
from api.settings import Settings  # noqa: E402


class NoRunner:
    jobs_end_with_server = True

    def submit(self, *a) -> None:
        pass

    def shutdown(self) -> None:
        pass


def build(url: str, technicians: int, weeks: int) -> tuple[dict, int, str]:
    scenario = generate_scenario(technicians, weeks, seed=0)
    outcome = plan_scenario(scenario, SolveOptions(time_limit=10, workers=2, seed=0))
    engine = make_engine(url)
    plans = {}
    with Session(engine) as s:
        for slug in ("a", "b"):
            s.info["team_id"] = None
            store_scenario(s, scenario, team=slug)
            team = s.info["team_id"]
            p = t.PlanRow(team_id=team, name=slug, status="published", created_at=t.utcnow(),
                          horizon_start=scenario.horizon.start, horizon_days=scenario.horizon.days)
            s.add(p)
            s.flush()
            s.add_all(plan_to_rows(outcome.plan, p.id, team))
            plans[slug] = p.id
        user = t.UserRow(username="boss", password_hash=hash_password("benchmark"),
                         created_at=t.utcnow())
        s.add(user)
        s.flush()
        teams.set_membership(s, user.id, 1, t.UserRole.manager, None)
        token = issue_token(s, user, 600)
        s.commit()
    engine.dispose()
    return {"Authorization": f"Bearer {token}"}, plans["a"], str(scenario.horizon.start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--technicians", type=int, default=100)
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="rota-scope-")
    url = f"sqlite:///{os.path.join(folder, 'rota.db')}"
    upgrade(url)
    headers, plan, start = build(url, args.technicians, args.weeks)
    engine = make_engine(url)
    app = create_app(Settings(database_url=url), engine=engine, runner=NoRunner())
    routes = {
        "plan assignments": f"/api/v1/plans/{plan}/assignments",
        "plan roster": f"/api/v1/plans/{plan}/roster",
        "technicians": "/api/v1/technicians",
        "schedule (no cache)": f"/api/v1/technicians/T001/schedule?start={start}",
        "plans list": "/api/v1/plans",
    }
    real = teams._team_models
    times: dict[tuple[str, str], list[float]] = {}
    with TestClient(app) as client:
        for path in routes.values():  # warm up both variants
            client.get(path, headers=headers)
        for _ in range(args.rounds):
            for variant in ("scoped", "unscoped"):
                teams._team_models = real if variant == "scoped" else (lambda: ())
                for name, path in routes.items():
                    cache.CACHE.clear()
                    t0 = time.perf_counter()
                    r = client.get(path, headers=headers)
                    times.setdefault((name, variant), []).append(time.perf_counter() - t0)
                    assert r.status_code == 200, r.text
    teams._team_models = real
    engine.dispose()
    load = os.getloadavg()[0]
    print(f"{args.technicians} technicians x {args.weeks} weeks, {args.rounds} rounds, "
          f"load {load:.2f}")
    print(f"{'route':<22} {'scoped ms':>10} {'unscoped ms':>12} {'ratio':>6}")
    for name in routes:
        a = statistics.median(times[(name, "scoped")]) * 1000
        b = statistics.median(times[(name, "unscoped")]) * 1000
        print(f"{name:<22} {a:>10.2f} {b:>12.2f} {a / b:>6.2f}")


if __name__ == "__main__":
    main()
