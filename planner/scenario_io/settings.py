"""``settings.toml``: scenario name, horizon, rule parameters and weights."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr,
    ValidationError,
)

from planner.domain import Horizon, RuleSettings
from planner.scenario_io.errors import ScenarioError
from planner.scenario_io.text import read_text

FILE = "settings.toml"

def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):  # TOML true/false is no number (pydantic would read true as 1)
        raise ValueError(f"expected a number, not {str(value).lower()}")
    return value


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
        raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)") from None


Number = Annotated[StrictInt | StrictFloat, BeforeValidator(_no_bool)]
"""A TOML number; the ranges are :class:`planner.domain.RuleSettings`' own."""


class _Table(BaseModel):
    """A TOML table: every key known, types as TOML writes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def file_keys(cls) -> list[str]:
        """The keys of the table, as written in the file."""
        return [f.alias or name for name, f in cls.model_fields.items()]


class HorizonTable(_Table):
    start: Annotated[dt.date, BeforeValidator(_date)]
    days: StrictInt


# each key is the RuleSettings field of the same name, or the one its alias names
class RulesTable(_Table):
    min_rest_hours: Number | None = None
    forbidden_successions: list[tuple[StrictStr, StrictStr]] | None = None
    """No shift of the second type on the day after one of the first type."""
    oncall_min_gap: StrictInt | None = None
    exempt_horizon_edges: StrictBool | None = None


class WeightsTable(_Table):
    tier_weights: dict[int, Number] | None = Field(None, alias="tiers")
    over_weight: Number | None = None
    peak_weight_factor: Number | None = None
    oncall_unfilled_weight: Number | None = None
    fairness_weights: dict[str, Number] | None = Field(None, alias="fairness")
    continuity_weight: Number | None = None
    backup_use_weight: Number | None = None


class SettingsFile(_Table):
    """The structure and types of ``settings.toml`` (values are checked by the domain)."""

    name: StrictStr = ""
    horizon: HorizonTable
    rules: RulesTable = RulesTable()
    weights: WeightsTable = WeightsTable()


class ChangedSettings(_Table):
    """A changes folder's ``settings.toml``: rule parameters and weights only."""

    rules: RulesTable = RulesTable()
    weights: WeightsTable = WeightsTable()


_HINTS = {
    ("rules", "forbidden_successions"):
        'expected a list of shift-type pairs, e.g. [["late", "early"]]',
    ("weights", "tiers"): "keys must be tier numbers, e.g. [weights.tiers] 1 = 100",
}
"""Messages clearer than pydantic's for the nested values of a key."""


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


def _file_error(text: str, model: type[_Table], exc: ValidationError) -> ScenarioError:
    """The first error of ``exc`` as a message naming the file, line and key."""
    first = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    kind, msg = first["type"], first["msg"].removeprefix("Value error, ")
    if len(loc) == 1:
        table = model.model_fields.get(loc[0])
        if kind == "extra_forbidden":
            return _err(text, None, loc[0], f"unknown key (known: {', '.join(model.file_keys())})")
        if kind == "missing":
            return ScenarioError(FILE, f"missing [{loc[0]}] section (start, days)")
        if isinstance(table.annotation, type) and issubclass(table.annotation, _Table):
            return ScenarioError(FILE, f"[{loc[0]}] must be a table")
        return _err(text, None, loc[0], "must be a string" if kind == "string_type" else msg)
    section, key = loc[0], loc[1]
    if kind == "extra_forbidden":
        table = model.model_fields[section].annotation
        return _err(text, section, key, f"unknown key (known: {', '.join(table.file_keys())})")
    if kind == "missing":
        return ScenarioError(FILE, f"[{section}]: missing key {key!r}")
    if (section, key) in _HINTS and (len(loc) > 2 or "list" in kind or "dict" in kind):
        msg = _HINTS[section, key]
    elif kind == "int_type" and not isinstance(first["input"], bool):
        number = any(e["type"] == "float_type" for e in exc.errors())  # int or float
        msg = (f"expected a number, not {first['input']!r}" if number
               else f"not an integer: {first['input']!r}")
    return _err(text, section, key, msg)


def _load(path: Path, model: type[_Table]) -> tuple[str, dict, Any]:
    """The text of a TOML file, its data and its validated :class:`_Table`."""
    text = read_text(path, FILE)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(FILE, f"not valid TOML: {exc}") from None
    try:
        return text, data, model.model_validate(data)
    except ValidationError as exc:
        raise _file_error(text, model, exc) from None


def read_settings(folder: Path) -> tuple[str, Horizon, RuleSettings]:
    """Read ``settings.toml`` of a scenario folder.

    Returns
    -------
    tuple
        ``(name, horizon, rules)``.

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid TOML, or holds an unknown or bad key (the
        message names the line and the key).
    """
    path = folder / FILE
    if not path.is_file():
        if path.exists():
            raise ScenarioError(FILE, "is a folder (or not a regular file): expected a file")
        raise ScenarioError(FILE, f"file not found in scenario folder {str(folder)!r}")
    text, _, file = _load(path, SettingsFile)
    try:
        horizon = Horizon(start=file.horizon.start, days=file.horizon.days)
    except ValidationError as exc:
        raise _err(text, "horizon", "days", _msg(exc)) from None
    rules, _ = rule_settings(text, file.rules, file.weights)
    return file.name, horizon, rules


def read_changed_settings(path: Path) -> tuple[RuleSettings, list[str]]:
    """A changes folder's ``settings.toml``: the rule settings it gives (defaults for the
    others) and the :class:`RuleSettings` fields it sets."""
    text, _, file = _load(path, ChangedSettings)
    return rule_settings(text, file.rules, file.weights)


def rule_settings(text: str, rules: RulesTable,
                  weights: WeightsTable) -> tuple[RuleSettings, list[str]]:
    """The :class:`RuleSettings` of the ``[rules]`` and ``[weights]`` tables and the fields
    they set; a bad value is reported at its line in ``text``."""
    values: dict[str, Any] = {}
    where: dict[str, tuple[str, str]] = {}
    for section, table in (("rules", rules), ("weights", weights)):
        for field, value in table.model_dump(exclude_none=True).items():
            values[field] = value
            where[field] = (section, type(table).model_fields[field].alias or field)
    if "forbidden_successions" in values:
        values["forbidden_successions"] = frozenset(map(tuple, values["forbidden_successions"]))
    try:
        return RuleSettings(**values), list(values)
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
