"""Reading a scenario file as text: UTF-8 only, no NUL, errors naming the line."""

from __future__ import annotations

from pathlib import Path

from planner.scenario_io.errors import ScenarioError


def read_text(path: Path, name: str) -> str:
    """The UTF-8 text of a scenario file, or a :class:`ScenarioError` naming the line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ScenarioError(
            name, f"not UTF-8 text (byte 0x{data[exc.start]:02x}): save the file as UTF-8 "
            "(in a spreadsheet: 'CSV UTF-8')", line=line) from None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise ScenarioError(name, "NUL character in the file (a binary file?): expected UTF-8 "
                            "text", line=line)
    return text
