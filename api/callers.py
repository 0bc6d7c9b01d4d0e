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

**Blocking the event loop.** The query is one indexed read of small tables (token, user,
the user's team memberships, the stamp), tens of microseconds; a thread-pool hop would cost more than it saves. PostgreSQL reads
never wait for row locks (only for a table lock, i.e. DDL): the connection carries a
statement timeout of :data:`STATEMENT_TIMEOUT_MS` so that even then the process stalls
at most that long (the request gets 503). SQLite in WAL mode: readers do not wait for
writers. The connection runs in autocommit: every query sees the latest commit, and no
transaction stays open between requests.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import DBAPIError

from api import tables as t
from api.auth import token_digest

STATEMENT_TIMEOUT_MS = 2000
"""PostgreSQL: the longest the lookup may wait (it runs on the event loop)."""


@dataclass(frozen=True, slots=True)
class Membership:
    """One team of the caller's, with their role and technician id there."""

    team_id: int
    slug: str
    name: str
    role: str
    technician_id: str | None


@dataclass(frozen=True, slots=True)
class Caller:
    """A user as a cached read knows them: enough to authorise, nothing to cache.

    ``teams``: every membership of theirs; ``team_id``, ``role`` and ``technician_id``
    are those of the team the request acts in once :meth:`acting_in` chose it (None
    before).
    """

    id: int
    teams: tuple[Membership, ...]
    stamp: int | None
    """The response stamp read in the same query (None: no stamp row, cache nothing)."""
    team_id: int | None = None
    role: str | None = None
    technician_id: str | None = None

    def find(self, name: str) -> int | None:
        """The id of the caller's team named ``name`` (slug, else name, else id), or None."""
        for key in (lambda m: m.slug, lambda m: m.name, lambda m: str(m.team_id)):
            for m in self.teams:
                if key(m) == name:
                    return m.team_id
        return None

    def acting_in(self, m: Membership) -> "Caller":
        return replace(self, team_id=m.team_id, role=m.role, technician_id=m.technician_id)

    @property
    def people(self) -> list[tuple[int, str]]:
        """(team id, technician id) of every team where the caller is a technician."""
        return [(m.team_id, m.technician_id) for m in self.teams if m.technician_id]


_U, _K, _S = t.UserRow.__table__, t.TokenRow.__table__, t.ResponseStampRow.__table__
_M, _T = t.MembershipRow.__table__, t.TeamRow.__table__
_COLUMNS = (_U.c.id, _U.c.active, _M.c.team_id, _M.c.role, _M.c.technician_id,
            _T.c.slug, _T.c.name,
            select(_S.c.version).where(_S.c.id == 1).scalar_subquery().label("stamp"))
_MEMBERS = _U.outerjoin(_M.join(_T, _T.c.id == _M.c.team_id), _M.c.user_id == _U.c.id)
BY_TOKEN = (select(*_COLUMNS)
            .select_from(_K.join(_MEMBERS, _U.c.id == _K.c.user_id))
            .where(_K.c.digest == bindparam("digest"),
                   _K.c.expires_at > bindparam("now", type_=_K.c.expires_at.type))
            .order_by(_M.c.team_id))
BY_CALENDAR_SECRET = (select(*_COLUMNS).select_from(_MEMBERS)
                      .where(_U.c.ical_digest == bindparam("digest")).order_by(_M.c.team_id))


def _active(rows: list[Row]) -> Caller | None:
    """One row per membership (one with no team columns for a user of no team)."""
    if not rows or not rows[0].active:
        return None
    teams = tuple(Membership(r.team_id, r.slug, r.name, r.role, r.technician_id)
                  for r in rows if r.team_id is not None)
    return Caller(rows[0].id, teams, rows[0].stamp)


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
        return _active(self._all(BY_TOKEN, {"digest": token_digest(token), "now": t.utcnow()}))

    def by_calendar_secret(self, secret: str) -> Caller | None:
        """The active user whose calendar-feed secret this is, or None."""
        return _active(self._all(BY_CALENDAR_SECRET, {"digest": token_digest(secret)}))

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _all(self, statement, params: dict) -> list[Row]:
        with self._lock:
            for attempt in (1, 2):
                conn = self._conn or self._connect()
                try:
                    return list(conn.execute(statement, params).all())
                except DBAPIError as e:
                    self._drop()  # a fresh connection next time, whatever went wrong
                    # a connection the server dropped (restart, idle timeout): retry once
                    if attempt == 2 or not e.connection_invalidated:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

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
