"""Who is asking, and the response stamp, in one query: the front of the cached reads.

The schedule JSON and the calendar feeds are the most read routes (:mod:`api.cache`). A
read served from the cache needs two facts from the database: who is asking (a bearer
token's user, or a calendar secret's owner) and the response stamp. :class:`CallerLookup`
reads both in **one** indexed query, on a connection of its own, from the event loop
itself: no ORM session, no thread-pool hop. (Before: a session, two ORM queries and four
hops to the thread pool, ~1 ms of CPU per cached request; now ~20 µs for the query.)

**As strict as** :func:`api.deps.current_user`, on every request: the token's digest must
be stored (a revoked token's row is deleted) and unexpired, its user active. Nothing about
a caller is kept between requests.

**Blocking the event loop.** The query is one primary-key read of three small tables,
tens of microseconds; a thread-pool hop would cost more than it saves. PostgreSQL reads
never wait for row locks (only for a table lock, i.e. DDL): the connection carries a
statement timeout of :data:`STATEMENT_TIMEOUT_MS` so that even then the process stalls
at most that long (the request gets 503). SQLite in WAL mode: readers do not wait for
writers. The connection runs in autocommit: every query sees the latest commit, and no
transaction stays open between requests.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import DBAPIError

from api import tables as t
from api.auth import token_digest

STATEMENT_TIMEOUT_MS = 2000
"""PostgreSQL: the longest the lookup may wait (it runs on the event loop)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """A user as a cached read knows them: enough to authorise, nothing to cache."""

    id: int
    role: str
    technician_id: str | None
    stamp: int | None
    """The response stamp read in the same query (None: no stamp row, cache nothing)."""


_U, _K, _S = t.UserRow.__table__, t.TokenRow.__table__, t.ResponseStampRow.__table__
_COLUMNS = (_U.c.id, _U.c.role, _U.c.technician_id, _U.c.active,
            select(_S.c.version).where(_S.c.id == 1).scalar_subquery().label("stamp"))
BY_TOKEN = (select(*_COLUMNS)
            .select_from(_K.join(_U, _U.c.id == _K.c.user_id))
            .where(_K.c.digest == bindparam("digest"),
                   _K.c.expires_at > bindparam("now", type_=_K.c.expires_at.type)))
BY_CALENDAR_SECRET = select(*_COLUMNS).where(_U.c.ical_digest == bindparam("digest"))


def _active(row: Row | None) -> Caller | None:
    if row is None or not row.active:
        return None
    return Caller(row.id, row.role, row.technician_id, row.stamp)


class CallerLookup:
    """The one query of a cached read, on one connection held for the event loop."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        # one connection, one query at a time: under a server only the event loop uses
        # it; the lock is for test clients that run several loops on one app
        self._lock = threading.Lock()

    def by_token(self, token: str) -> Caller | None:
        """The active user of an unexpired bearer token, or None."""
        return _active(self._first(BY_TOKEN, {"digest": token_digest(token), "now": t.utcnow()}))

    def by_calendar_secret(self, secret: str) -> Caller | None:
        """The active user whose calendar-feed secret this is, or None."""
        return _active(self._first(BY_CALENDAR_SECRET, {"digest": token_digest(secret)}))

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _first(self, statement, params: dict) -> Row | None:
        with self._lock:
            for attempt in (1, 2):
                conn = self._conn or self._connect()
                try:
                    return conn.execute(statement, params).first()
                except DBAPIError as e:
                    self._drop()  # a fresh connection next time, whatever went wrong
                    # a connection the server dropped (restart, idle timeout): retry once
                    if attempt == 2 or not e.connection_invalidated:
                        raise
        raise AssertionError("unreachable")

    def _connect(self) -> Connection:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
        self._conn = conn
        return conn

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - already broken: nothing more to release
                pass
            self._conn = None
