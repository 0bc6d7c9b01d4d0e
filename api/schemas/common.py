"""Shared pieces of the API schemas."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import datetime as dt

from pydantic import (
    AfterValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, create_model, model_validator,
)
from fastapi import Path
from sqlmodel import SQLModel

from planner.validation import ID_MAX, check_date, check_id, check_text

INT32 = 2**31 - 1

RowId = Annotated[int, Path(ge=1, le=INT32)]
"""A numbered row's id in a route's path (plan version, solve job, user): 1 to 2^31 - 1."""
PlanId = JobId = UserId = RowId


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text may not contain a NUL character")
    if isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            _no_nul(v)
    if isinstance(value, dict):
        for k, v in value.items():
            _no_nul(k)
            _no_nul(v)
    return value


class Schema(SQLModel):
    """Base of every request/response schema: no unknown fields, no NUL characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _nul(cls, data: Any) -> Any:
        return _no_nul(data)

    @classmethod
    def from_row(cls, row: SQLModel | dict) -> "Schema":
        """The schema's fields read from a table row (other columns are left out)."""
        data = row if isinstance(row, dict) else row.model_dump()
        return cls.model_validate({k: v for k, v in data.items() if k in cls.model_fields})


Id = Annotated[
    str, Field(min_length=1, max_length=ID_MAX, pattern=r"^[^;,=/?#%\x00-\x1f\x7f]+$"),
    AfterValidator(check_id),
]
"""An entity id that can sit in a URL path and in a scenario file (the domain's rule)."""
Day = Annotated[dt.date, AfterValidator(check_date)]
"""A date in the years the planner handles (body fields and query parameters)."""
Text = Annotated[str, Field(max_length=500), AfterValidator(check_text)]
Count = Annotated[int, Field(ge=0, le=10_000)]
Weight = Annotated[int, Field(ge=0, le=1_000_000)]
Hours = Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)]
NoNul = AfterValidator(_no_nul)


def _local_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("give a local wall-clock time without a UTC offset (e.g. 08:00)")
    return value


LocalTime = Annotated[
    dt.time,
    AfterValidator(_local_time),
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    # JSON Schema's "time" format demands an offset; these times are local wall-clock times
    WithJsonSchema({
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
        "examples": ["08:00"],
    }),
]
"""A local wall-clock time (the time zone is the client's or the rotation's)."""


def optional(model: type[Schema], name: str) -> type[Schema]:
    """A copy of ``model`` whose fields are all optional (the Update schema of PATCH)."""
    fields = {
        k: (Optional[f.annotation], Field(default=None, **_constraints(f)))
        for k, f in model.model_fields.items()
    }
    return create_model(name, __base__=Schema, **fields)  # type: ignore[call-overload]


def _constraints(field: Any) -> dict:
    out: dict = {}
    for m in field.metadata:
        for attr in ("ge", "le", "gt", "lt", "min_length", "max_length", "pattern"):
            v = getattr(m, attr, None)
            if v is not None:
                out[attr] = v
    return out
