"""Server settings, read from the environment (and an optional ``.env`` file).

``DATABASE_URL`` picks the database: an embedded SQLite file ``rota.db`` in the
working directory by default, PostgreSQL with ``postgresql+psycopg://user:pw@host/db``.
The other settings carry the ``ROTA_`` prefix (``ROTA_WORKERS``...).
"""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings of the API server and of the database commands."""

    model_config = SettingsConfigDict(env_prefix="ROTA_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///rota.db",
        validation_alias=AliasChoices("DATABASE_URL", "ROTA_DATABASE_URL"),
    )
    workers: int = Field(default=1, ge=1, le=64)
    """Size of the solve worker process pool (concurrent solves)."""
    token_expiry_minutes: int = Field(default=8 * 60, ge=1)
    """Lifetime of a bearer token issued by ``/api/v1/auth/token``."""
    max_time_limit: float = Field(default=3600.0, gt=0)
    """Upper bound on the time limit a solve request may ask for (seconds)."""
    public_url: str = ""
    """Base URL the server is reached at, used to build calendar-feed links ('' = from the request)."""
    # notifications of a published plan's changes (api/notify.py); empty = off
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "rota@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    webhook_url: str = ""
    webhook_secret: str = ""
    """Key of the HMAC-SHA256 signature sent in ``X-Rota-Signature`` (required with a URL)."""
    webhook_attempts: int = Field(default=4, ge=1, le=10)
    webhook_backoff: float = Field(default=0.5, ge=0, le=60)
    """Seconds before the first retry; doubled at each further retry."""
    # distributed solve jobs (api/worker.py, `rota worker`); broker unset = in-process pool
    broker_url: str = ""
    """Celery broker (``redis://host:6379/0``): when set, the API only enqueues solve jobs
    and ``rota worker`` processes run them."""
    worker_concurrency: int = Field(default=1, ge=1, le=64)
    """Solves one ``rota worker`` runs at once (its child processes)."""
    cpsat_workers: int = Field(default=0, ge=0, le=64)
    """CP-SAT search workers per job on a ``rota worker`` (0: as each request asks)."""
    team_solve_limit: int = Field(default=2, ge=1, le=1000)
    """Concurrent solves per team (today: per scenario); more wait queued."""
    lease_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)
    """A running job's lease, renewed every third of it; a job whose worker let it run out
    is retried once elsewhere, then failed."""
