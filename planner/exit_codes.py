"""The exit codes of every ``rota`` command (written down in the README, Commands)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a ``rota`` command's exit status means; one convention for all commands."""

    ok = 0
    """Done (a plan was written and the checker finds no hard violation)."""
    violation = 1
    """The result cannot be used: a plan breaks a hard rule, the checker disagrees with
    the solver (``rota bench``), or a solve job failed."""
    bad_input = 2
    """Bad input or usage: the message names the file, line, field or option (Click's own
    usage errors use 2 as well)."""
    no_plan = 3
    """No solution: the solver found no plan (hard rules in conflict, or none within the
    time limit), or nobody can take the duty (``rota cover``)."""
    unavailable = 4
    """Could not run: the database is unreachable, or a server did not start."""
