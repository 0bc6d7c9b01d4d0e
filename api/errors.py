"""Turning domain validation failures into field-level 422 responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import math

from fastapi import HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

T = TypeVar("T")


def unprocessable(field: str | None, msg: str, kind: str = "value_error") -> HTTPException:
    """A 422 in FastAPI's own shape: ``detail = [{loc, msg, type}]``."""
    loc = ["body", field] if field else ["body"]
    return HTTPException(422, detail=[{"loc": loc, "msg": msg, "type": kind}])


def build_or_422(factory: Callable[..., T], data: dict[str, Any], whole_field: str | None = None) -> T:
    """``factory(**data)``, or a 422 naming the failing fields.

    Errors raised by a check on the whole object have no field of their own;
    ``whole_field`` names the field they are reported on (e.g. ``end`` for an
    absence ending before it starts).
    """
    try:
        return factory(**data)
    except ValidationError as e:
        detail = []
        for err in e.errors(include_url=False, include_context=False, include_input=False):
            loc = [str(x) for x in err["loc"]] or ([whole_field] if whole_field else [])
            msg = err["msg"].removeprefix("Value error, ")
            detail.append({"loc": ["body", *loc], "msg": msg, "type": err["type"]})
        raise HTTPException(422, detail=detail) from None
    except (TypeError, ValueError) as e:
        raise unprocessable(whole_field, str(e)) from None


def not_found(kind: str, key: object) -> HTTPException:
    return HTTPException(404, detail=f"{kind} {key} not found")


def conflict(msg: str) -> HTTPException:
    return HTTPException(409, detail=msg)


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as strings (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


async def request_validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's own 422 body, made JSON-safe: a refused ``NaN`` used to crash the reply (500)."""
    return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)
