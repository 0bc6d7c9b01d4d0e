"""The error raised for a malformed scenario folder."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario folder is malformed; the message names file, line and column.

    Parameters
    ----------
    file : str
        File name inside the scenario folder (e.g. ``technicians.csv``).
    message : str
        What is wrong.
    line : int, optional
        1-based line number, the CSV header being line 1.
    column : str, optional
        Column name (CSV) or key (TOML).
    """

    def __init__(self, file: str, message: str, line: int | None = None,
                 column: str | None = None) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = message
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
