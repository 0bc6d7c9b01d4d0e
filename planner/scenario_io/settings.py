"""``settings.toml``: scenario name, horizon, rule parameters and weights."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.domain import Horizon, RuleSettings
from planner.scenario_io.errors import ScenarioError
from planner.scenario_io.text import read_text

FILE = "settings.toml"

# settings.toml key -> RuleSettings field, per section
RULE_KEYS = {
    "min_rest_hours": "min_rest_hours",
    "forbidden_successions": "forbidden_successions",
    "oncall_min_gap": "oncall_min_gap",
    "exempt_horizon_edges": "exempt_horizon_edges",
}
WEIGHT_KEYS = {
    "tiers": "tier_weights",
    "over_weight": "over_weight",
    "peak_weight_factor": "peak_weight_factor",
    "oncall_unfilled_weight": "oncall_unfilled_weight",
    "fairness": "fairness_weights",
    "continuity_weight": "continuity_weight",
    "backup_use_weight": "backup_use_weight",
}
HORIZON_KEYS = ("start", "days")
TOP_KEYS = ("name", "horizon", "rules", "weights")


def key_line(text: str, section: str | None, key: str) -> int | None:
    """1-based line of ``key =`` inside ``[section]`` (None if not found)."""
    current = None
    for no, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if m:
            current = m[1]
            continue
        if current == section and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return no
    # a sub-table such as [weights.fairness]
    for no, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\[\s*{re.escape(f'{section}.{key}')}\s*\]", line):
            return no
    return None


def _err(text: str, section: str | None, key: str, msg: str) -> ScenarioError:
    name = f"{section}.{key}" if section else key
    return ScenarioError(FILE, msg, line=key_line(text, section, key), column=name)


def read_settings(folder: Path) -> tuple[str, Horizon, RuleSettings]:
    """Read ``settings.toml`` of a scenario folder.

    Returns
    -------
    tuple
        ``(name, horizon, rules)``.

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid TOML, or holds an unknown or bad key.
    """
    path = folder / FILE
    if not path.is_file():
        if path.exists():
            raise ScenarioError(FILE, "is a folder (or not a regular file): expected a file")
        raise ScenarioError(FILE, f"file not found in scenario folder {str(folder)!r}")
    text = read_text(path, FILE)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(FILE, f"not valid TOML: {exc}") from None
    for key in data:
        if key not in TOP_KEYS:
            raise _err(text, None, key, f"unknown key (known: {', '.join(TOP_KEYS)})")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise _err(text, None, "name", "must be a string")
    horizon = _horizon(text, data.get("horizon"))
    rules = _rules(text, data.get("rules", {}), data.get("weights", {}))
    return name, horizon, rules


def _section(text: str, section: str, value: Any, known) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(FILE, f"[{section}] must be a table")
    for key in value:
        if key not in known:
            raise _err(text, section, key, f"unknown key (known: {', '.join(known)})")
    return value


def _horizon(text: str, value: Any) -> Horizon:
    if value is None:
        raise ScenarioError(FILE, "missing [horizon] section (start, days)")
    h = _section(text, "horizon", value, HORIZON_KEYS)
    for key in HORIZON_KEYS:
        if key not in h:
            raise ScenarioError(FILE, f"[horizon]: missing key {key!r}")
    start = h["start"]
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            raise _err(text, "horizon", "start",
                       f"bad date {start!r} (expected YYYY-MM-DD)") from None
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise _err(text, "horizon", "start", f"bad date {start!r} (expected YYYY-MM-DD)")
    days = h["days"]
    if not isinstance(days, int) or isinstance(days, bool):
        raise _err(text, "horizon", "days", f"not an integer: {days!r}")
    try:
        return Horizon(start=start, days=days)
    except ValidationError as exc:
        raise _err(text, "horizon", "days", _msg(exc)) from None


def _rules(text: str, rules: Any, weights: Any) -> RuleSettings:
    values: dict[str, Any] = {}
    where: dict[str, tuple[str, str]] = {}
    for section, raw, keys in (("rules", rules, RULE_KEYS), ("weights", weights, WEIGHT_KEYS)):
        for key, val in _section(text, section, raw, keys).items():
            values[keys[key]] = val
            where[keys[key]] = (section, key)
    for field, val in values.items():
        # TOML true/false is no number (pydantic would read true as 1)
        if isinstance(val, bool) and field != "exempt_horizon_edges":
            section, key = where[field]
            raise _err(text, section, key, f"expected a number, not {str(val).lower()}")
        if isinstance(val, dict) and any(isinstance(v, bool) for v in val.values()):
            section, key = where[field]
            raise _err(text, section, key, "expected numbers, not true/false")
    fs = values.get("forbidden_successions")
    if fs is not None:
        if not isinstance(fs, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p)
            for p in fs
        ):
            raise _err(text, "rules", "forbidden_successions",
                       'expected a list of shift-type pairs, e.g. [["late", "early"]]')
        values["forbidden_successions"] = frozenset(tuple(p) for p in fs)
    tiers = values.get("tier_weights")
    if isinstance(tiers, dict):
        try:
            values["tier_weights"] = {int(k): v for k, v in tiers.items()}
        except ValueError:
            raise _err(text, "weights", "tiers",
                       "keys must be tier numbers, e.g. [weights.tiers] 1 = 100") from None
    try:
        return RuleSettings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        section, key = where.get(str(first["loc"][0]) if first["loc"] else "", ("rules", "?"))
        raise _err(text, section, key, _msg(exc)) from None


def _msg(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return first["msg"].removeprefix("Value error, ")


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def write_settings(folder: Path, name: str, horizon: Horizon, rules: RuleSettings) -> None:
    """Write ``settings.toml`` so that :func:`read_settings` gives back the same values."""
    lines = [f"name = {_toml(name)}", "", "[horizon]",
             f"start = {_toml(horizon.start)}", f"days = {_toml(horizon.days)}", "", "[rules]"]
    lines += [
        f"min_rest_hours = {_toml(rules.min_rest_hours)}",
        f"oncall_min_gap = {_toml(rules.oncall_min_gap)}",
        f"exempt_horizon_edges = {_toml(rules.exempt_horizon_edges)}",
        "# no shift of the second type on the day after one of the first type",
        f"forbidden_successions = {_toml(sorted(list(p) for p in rules.forbidden_successions))}",
        "", "[weights]",
        f"over_weight = {_toml(rules.over_weight)}",
        f"peak_weight_factor = {_toml(rules.peak_weight_factor)}",
        f"oncall_unfilled_weight = {_toml(rules.oncall_unfilled_weight)}",
        f"continuity_weight = {_toml(rules.continuity_weight)}",
        f"backup_use_weight = {_toml(rules.backup_use_weight)}",
        "", "# weight per missing person on a duty, by client SLA tier", "[weights.tiers]",
    ]
    lines += [f"{k} = {_toml(v)}" for k, v in rules.tier_weights.items()]
    lines += ["", "[weights.fairness]"]
    lines += [f"{json.dumps(k)} = {_toml(v)}" for k, v in rules.fairness_weights.items()]
    (folder / FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
