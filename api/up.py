"""``rota up`` (API + dashboard in one command) and ``rota dashboard`` (the dashboard alone).

``rota up`` migrates the embedded database, imports and plans the demo when the
database holds no scenario, makes sure a manager can sign in (a generated password
printed once, stored hashed; ``--password`` to choose it), then starts the API
(uvicorn, ``rota serve``) and the dashboard (``streamlit run``) as child processes,
each in its own process group, and stops both on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from api.cli_options import DatabaseUrl, fail, resolve_database_url
from planner.exit_codes import ExitCode

APP_SCRIPT = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
STOP_GRACE = 10.0
"""Seconds a child has to stop after SIGTERM before it is killed."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def streamlit_command(api_url: str, host: str, port: int) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a headless dashboard talking to ``api_url``."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
        "--theme.base", "light", "--theme.primaryColor", "#1f5fa8",
    ]
    env = dict(os.environ, ROTA_API_URL=api_url, PYTHONUNBUFFERED="1")
    return cmd, env


def api_command(database_url: str, host: str, port: int, workers: int) -> list[str]:
    """The command line of the API server (``rota serve``)."""
    return [sys.executable, "-m", "api.cli", "serve", "--host", host, "--port", str(port),
            "--database-url", database_url, "--workers", str(workers), "--no-access-log",
            "--log-level", "warning"]


def has_scenario(database_url: str) -> bool:
    """True when the database already holds a scenario with technicians."""
    from sqlmodel import Session, select

    from api import tables as t
    from api.db import make_engine

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.exec(select(t.TechnicianRow).limit(1)).first() is not None
    finally:
        engine.dispose()


@dataclass
class ManagerLogin:
    username: str
    password: str | None
    """The password to print, or None when a manager already existed."""


def ensure_manager(database_url: str, username: str, password: str | None) -> ManagerLogin:
    """Create the first manager unless one exists.

    A new manager gets ``password`` or a generated one (returned so that it can be
    printed once; only its Argon2id hash is stored). When a manager exists nothing
    changes and no secret is returned.
    """
    from sqlmodel import select

    from api import tables as t
    from api.auth import create_user
    from api.db import make_engine, session_scope

    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            existing = session.exec(
                select(t.UserRow).join(t.MembershipRow, t.MembershipRow.user_id == t.UserRow.id)
                .where(t.MembershipRow.role == t.UserRole.manager.value,
                       t.UserRow.active == True)  # noqa: E712 - SQL
                .order_by(t.UserRow.id)).first()
            if existing is not None:
                return ManagerLogin(existing.username, None)
            secret = password or secrets.token_urlsafe(12)
            create_user(session, username, secret, t.UserRole.manager, None, "Manager")
            return ManagerLogin(username, secret)
    finally:
        engine.dispose()


def wait_http(url: str, timeout: float, procs: list[subprocess.Popen]) -> bool:
    """Poll ``url`` until it answers 200, a child exits, or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - our own server
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def start(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a child in a process group of its own (so that stopping it stops its children)."""
    return subprocess.Popen(cmd, env=env, start_new_session=True)


def stop(procs: list[subprocess.Popen], grace: float = STOP_GRACE) -> None:
    """SIGTERM each child's process group, wait, then SIGKILL what is left."""
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def supervise(procs: list[subprocess.Popen]) -> int:
    """Wait until a child exits or we are asked to stop (SIGINT, SIGTERM); stop all.

    The exit code: 0 when asked to stop or a child ended cleanly, 4 when a child failed."""
    stopping = {"signal": None}

    def _on_signal(signum, _frame) -> None:  # noqa: ANN001 - signal API
        stopping["signal"] = signum

    old = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while stopping["signal"] is None and all(p.poll() is None for p in procs):
            time.sleep(0.3)
    finally:
        typer.echo("stopping ...")
        stop(procs)
        for s, h in old.items():
            signal.signal(s, h)
    if stopping["signal"] is not None:
        return 0
    dead = [p for p in procs if p.returncode not in (0, None)]
    return ExitCode.unavailable if dead else ExitCode.ok  # a server died under us


def register(app: typer.Typer) -> None:
    """Add ``rota up`` and ``rota dashboard`` to the ``rota`` command."""

    @app.command()
    def up(
        host: Annotated[str, typer.Option(help="Interface both servers listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Dashboard port (0: any free port).")] = 8501,
        api_port: Annotated[int, typer.Option(
            "--api-port", help="API port (0: any free port).")] = 0,
        username: Annotated[str, typer.Option(
            help="Name of the first manager (if none exists).")] = "manager",
        password: Annotated[str | None, typer.Option(
            "--password", envvar="ROTA_MANAGER_PASSWORD",
            help="Password of the first manager (default: generated and printed once).")] = None,
        demo_time_limit: Annotated[float, typer.Option(
            "--demo-time-limit", min=0.1,
            help="Seconds to plan the demo when the database is empty.")] = 30.0,
        workers: Annotated[int, typer.Option(
            min=1, max=16, help="Solve worker processes of the API.")] = 1,
        database_url: DatabaseUrl = None,
    ) -> None:
        """Start the API and the dashboard (the demo is imported and planned on an empty database)."""
        from api.db import upgrade
        from api.demo import default_demo_folder, run_demo
        from planner.cli import plan_with_progress

        if password is not None and len(password) < 8:
            raise fail("--password: give at least 8 characters")
        url = resolve_database_url(database_url)
        upgrade(url)
        if not has_scenario(url):
            typer.echo("empty database: importing and planning the demo "
                       f"({demo_time_limit:g} s) ...")
            _, plan_id = run_demo(url, default_demo_folder(), Path("out/demo"), plan_with_progress,
                                  dict(time_limit=demo_time_limit, workers=2, seed=0))
            typer.echo(f"demo stored as draft plan {plan_id}")
        try:
            login = ensure_manager(url, username, password)
        except ValueError as e:
            raise fail(str(e)) from None
        api_port = api_port or free_port(host)
        port = port or free_port(host)
        api_url = f"http://{host}:{api_port}"
        procs = [start(api_command(url, host, api_port, workers))]
        if not wait_http(f"{api_url}/healthz", 60, procs):
            stop(procs)
            raise fail(f"the API did not start on {api_url} (is port {api_port} taken?)",
                       ExitCode.unavailable)
        cmd, env = streamlit_command(api_url, host, port)
        procs.append(start(cmd, env))
        if not wait_http(f"http://{host}:{port}/_stcore/health", 60, procs):
            stop(procs)
            raise fail(f"the dashboard did not start on port {port} (is it taken? try --port 0)",
                       ExitCode.unavailable)
        typer.secho(f"\nRota is up: open http://{host}:{port}", fg=typer.colors.GREEN, bold=True)
        from api.logs import masked_url

        typer.echo(f"  API: {api_url}/api/v1/docs   database: {masked_url(url)}")
        if os.environ.get("ROTA_BROKER_URL"):
            typer.secho("  ROTA_BROKER_URL is set: solve jobs go to the broker and wait for "
                        "`rota worker` processes (unset it to solve inside the API)",
                        fg=typer.colors.YELLOW)
        if login.password is not None:
            typer.echo(f"  sign in as {login.username!r} with password {login.password!r}")
            if password is None:
                typer.echo("  (generated now and shown only once: note it, or rerun with --password "
                           "on a new database; `rota users` manages users)")
        else:
            typer.echo(f"  sign in as manager {login.username!r} with the password you chose "
                       "(`rota users add NAME --role manager` adds another)")
        typer.echo("Ctrl-C stops both.")
        raise typer.Exit(supervise(procs))

    @app.command()
    def dashboard(
        api: Annotated[str, typer.Option(
            "--api", help="URL of a running Rota API, e.g. http://127.0.0.1:8000")],
        host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Dashboard port (0: any free port).")] = 8501,
    ) -> None:
        """Start the dashboard alone against a running API (PostgreSQL set-ups)."""
        if not api.startswith(("http://", "https://")):
            raise fail(f"--api {api!r}: give an http:// or https:// URL")
        port = port or free_port(host)
        cmd, env = streamlit_command(api.rstrip("/"), host, port)
        procs = [start(cmd, env)]
        if not wait_http(f"http://{host}:{port}/_stcore/health", 60, procs):
            stop(procs)
            raise fail(f"the dashboard did not start on port {port} (is it taken? try --port 0)",
                       ExitCode.unavailable)
        typer.secho(f"Rota dashboard on http://{host}:{port} (API {api})", fg=typer.colors.GREEN)
        typer.echo("Ctrl-C stops it.")
        raise typer.Exit(supervise(procs))
