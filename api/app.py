"""The FastAPI application (``/api/v1``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from api.callers import CallerLookup
from api.db import make_engine
from api.deps import reject_nul
from api.errors import request_validation_error
from api.jobs import fail_unfinished
from api.routes import jobs, plans, roster, schedule, users
from api.routes import explain, replan, swaps  # day two (issue 11)
from api.routes.entities import entity_routers
from api.runners import Runner, make_runner
from api.settings import Settings
from api.throttle import LoginThrottle
from api.logs import install_log_filters

log = logging.getLogger(__name__)
RESTARTED = "the server restarted before the job finished"

DESCRIPTION = """
Rota plans the shifts and on-call duty of IT support and operations teams.

Log in with `POST /api/v1/auth/token` (OAuth2 password flow) and send the bearer
token. Roles: **manager** (everything), **coordinator** (peaks, absences, what-if
solves, read everything; no user administration), **technician** (own schedule, own
absences and requests, created as pending).
"""


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    runner: Runner | None = None,
    recover_jobs: bool = True,
) -> FastAPI:
    """Build the application.

    The database must already be migrated (``rota serve`` does it). ``engine`` and
    ``runner`` may be given by tests; by default they come from ``settings``.
    ``recover_jobs``: at start-up, fail the jobs a previous server left unfinished
    (False when several server processes share the database: ``rota serve`` then
    does it once, before starting them).
    """
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url)
    runner = runner or make_runner(settings, engine)
    callers = CallerLookup(engine)  # who asks + the response stamp, for the cached reads
    # jobs on Celery workers outlive the server: their leases, not a restart, end them
    recover_jobs = recover_jobs and getattr(runner, "jobs_end_with_server", True)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        n = fail_unfinished(engine, RESTARTED) if recover_jobs else 0
        if n:
            log.warning("%d unfinished solve jobs marked failed (%s)", n, RESTARTED)
        yield
        callers.close()
        runner.shutdown()

    app = FastAPI(
        title="Rota API", version="1", description=DESCRIPTION, lifespan=lifespan,
        openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs", redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.jobs = runner
    app.state.callers = callers
    app.state.login_throttle = LoginThrottle()
    install_log_filters()

    # each router is included directly under /api/v1: with a nested /api/v1 router,
    # FastAPI matched every request through two levels of included routers, ~1.7 ms of
    # routing per request on the schedule route. The schedule router comes first: it holds
    # the most read routes (schedules, calendar feeds polled by calendar applications), and
    # FastAPI tries the routes in order (~90 µs of CPU per request when it came after the
    # ~40 entity routes). No other route's path overlaps its paths, so the order changes
    # no route's answer (tests/api/test_cached_reads.py checks that).
    for r in [schedule.router, users.router, *entity_routers(), jobs.router, plans.router,
              roster.router, replan.router, explain.router, swaps.router, swaps.proposals]:
        app.include_router(r, prefix="/api/v1", dependencies=[Depends(reject_nul)])

    app.add_exception_handler(RequestValidationError, request_validation_error)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # a concurrent request created the same row between our check and our commit
        return JSONResponse({"detail": "conflicts with existing data"}, status_code=409)

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": ["body"], "msg": "value out of range for the database",
                         "type": "value_error"}]},
            status_code=422,
        )

    @app.exception_handler(OperationalError)
    async def _busy(_: Request, exc: OperationalError) -> JSONResponse:
        # a deadlock or lock timeout between two writers, a locked SQLite file, a lost
        # connection: nothing was written (the transaction rolled back), the client may retry
        log.warning("database operation failed: %s", type(getattr(exc, "orig", exc)).__name__)
        return JSONResponse({"detail": "the database is busy or unreachable: nothing was "
                                       "changed, try again"},
                            status_code=503, headers={"Retry-After": "1"})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"status": "ok"}

    return app


def app_factory() -> FastAPI:
    """The application of one of several server processes (``rota serve --http-workers N``)."""
    return create_app(recover_jobs=False)
