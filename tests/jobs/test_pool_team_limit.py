"""The in-process pool (no broker) honours the per-team limit of concurrent solves:
a team over its limit waits while another team's job starts at once."""

from __future__ import annotations

import datetime as dt

from api.db import make_engine, upgrade
from api.jobs import JobRunner
from api.runners import enqueue

from .helpers import empty_tables, finished, overlap, wait_for


def test_the_pool_runs_one_solve_per_team_at_a_time_with_a_limit_of_one(tmp_path, long_scenario):
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    upgrade(url)
    engine = make_engine(url)
    empty_tables(engine)  # teams 1..3
    runner = JobRunner(engine, url, workers=2, team_limit=1)

    class Db:  # what the helpers read
        pass

    db = Db()
    db.engine = engine
    try:
        options = {"time_limit": 3, "workers": 1, "seed": 0}
        first = enqueue(engine, runner, long_scenario, options, team_id=1)
        second = enqueue(engine, runner, long_scenario, options, team_id=1)
        other = enqueue(engine, runner, long_scenario, options, team_id=2)
        a, b, c = (finished(db, j, timeout=120) for j in (first, second, other))
        assert (a.status, b.status, c.status) == ("succeeded",) * 3, (a, b, c)
        # team 1's second job waited for its first; team 2's ran beside team 1's first
        assert overlap(a, b) == dt.timedelta(0), (a.started_at, a.finished_at, b.started_at)
        assert b.started_at >= a.finished_at
        assert overlap(a, c) > dt.timedelta(seconds=1)
        # the counts fall when the pool's future is done, just after the job row is written
        wait_for(lambda: runner._running == {1: 0, 2: 0}, timeout=10, what=str(runner._running))
        assert not any(runner._waiting.values())
    finally:
        runner.shutdown()
        engine.dispose()
