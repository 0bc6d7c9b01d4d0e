"""Throttling of failed log-ins, per user name and per client address.

After 5 failures for one user name, or 20 from one address (an office behind one
NAT address holds several people), within ``window`` seconds, further attempts for
that name or from that address are refused (429 with ``Retry-After``) until the oldest failure
leaves the window. Counts live in the server process (one ``rota serve`` process;
with ``--http-workers N`` each process counts on its own, so the bound is N times
looser); a successful log-in clears the name's count.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque


class LoginThrottle:
    """Sliding-window failure counts keyed by ``user:NAME`` and ``addr:IP``."""

    def __init__(self, limits: dict[str, int] | None = None, window: float = 300.0,
                 clock=time.monotonic) -> None:
        self.limits = limits or {"user": 5, "addr": 20}
        """Failures allowed per key kind (the part of the key before ':')."""
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.get(key)
        if q is None:
            return deque()
        while q and q[0] <= now - self.window:
            q.popleft()
        if not q:
            del self._failures[key]
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds to wait before another attempt for any of ``keys`` (0 = go ahead)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self.limits.get(key.partition(":")[0], 5):
                    wait = max(wait, q[0] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 100_000:  # bounded memory under a spray of names
                self._failures.clear()
            for key in keys:
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
