"""The worker's last resort: a solve that ignores its stop signal past its time limit plus
``HARD_GRACE`` ends the worker process (its supervisor starts a new one), and the job is
failed with the reason first. Run in a child process, since the guard calls ``os._exit``."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlmodel import Session

from api import tables as t
from api.db import make_engine, upgrade

from .helpers import empty_tables
from .test_claim import add

CHILD = textwrap.dedent("""
    import sys, time
    from api import job_run
    from api.db import make_engine
    from api.job_claim import claim

    job_run.HARD_GRACE = 0.5
    engine = make_engine(sys.argv[1])
    held = claim(engine, int(sys.argv[2]), lease_seconds=0.6)
    watch = job_run._Watch(engine, held, time_limit=0.0, lease_seconds=0.6, hard_exit={hard})
    time.sleep(8)  # a search that never looks at its stop signal
    watch.close()
    print("still alive")
""")


def _run(tmp_path, hard: bool) -> tuple[subprocess.CompletedProcess, t.SolveJobRow]:
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    upgrade(url)
    engine = make_engine(url)
    empty_tables(engine)  # and the teams the jobs belong to
    job_id = add(engine, team=1)
    child = subprocess.run([sys.executable, "-c", CHILD.format(hard=hard), url, str(job_id)],
                           capture_output=True, text=True, timeout=60)
    with Session(engine) as s:
        row = s.get(t.SolveJobRow, job_id)
    engine.dispose()
    return child, row


def test_a_solve_overrunning_its_limit_ends_the_worker_and_fails_the_job(tmp_path):
    child, row = _run(tmp_path, hard=True)
    assert child.returncode == 71, child.stderr
    assert "still alive" not in child.stdout
    assert row.status == t.JobStatus.failed.value
    assert row.error.startswith("the solve overran its time limit of 0 s by more than 0.5 s")
    assert row.lease_expires_at is None


def test_without_hard_exit_the_in_process_pool_is_never_ended(tmp_path):
    child, row = _run(tmp_path, hard=False)
    assert child.returncode == 0, child.stderr
    assert "still alive" in child.stdout
    assert row.status == t.JobStatus.running.value  # the pool's own stop ends such a job
