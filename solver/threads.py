"""Run a few search threads side by side (CP-SAT releases the GIL while it solves)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_threads(target: Callable[[int], None], n: int, name: str,
                on_error: Callable[[], None] | None = None) -> None:
    """Run ``target(0)`` ... ``target(n - 1)`` in ``n`` threads and wait for all of them.

    With ``n == 1`` the target runs in the calling thread. The first exception a thread
    raises is re-raised here once every thread has finished; ``on_error`` (e.g. a halt
    flag the other threads poll) is called as soon as it happens.
    """
    if n <= 1:
        target(0)
        return
    errors: list[BaseException] = []

    def guarded(tid: int) -> None:
        try:
            target(tid)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
            if on_error is not None:
                on_error()

    threads = [threading.Thread(target=guarded, args=(t,), name=f"{name}-{t}") for t in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
