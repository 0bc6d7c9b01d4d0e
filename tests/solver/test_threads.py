"""Engine tests: search threads run side by side and their first error reaches the caller."""

from __future__ import annotations

import threading

import pytest

from solver.threads import run_threads


def test_one_thread_runs_in_the_caller():
    seen = []
    run_threads(lambda tid: seen.append((tid, threading.current_thread())), 1, "t")
    assert seen == [(0, threading.current_thread())]


def test_every_thread_runs_once_with_its_own_index():
    seen, lock = [], threading.Lock()

    def work(tid):
        with lock:
            seen.append((tid, threading.current_thread().name))

    run_threads(work, 3, "rota-test")
    assert sorted(seen) == [(0, "rota-test-0"), (1, "rota-test-1"), (2, "rota-test-2")]


def test_the_first_error_is_raised_after_the_others_stop():
    halt = threading.Event()
    finished = []

    def work(tid):
        if tid == 0:
            raise ValueError("boom")
        halt.wait(5)  # the others stop when told
        finished.append(tid)

    with pytest.raises(ValueError, match="boom"):
        run_threads(work, 3, "t", halt.set)
    assert sorted(finished) == [1, 2]  # joined before the raise
