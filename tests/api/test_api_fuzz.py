"""Property-based fuzz of the OpenAPI schema (schemathesis), authenticated as a manager.

Bounded (a few examples per operation, derandomized); asserts no 5xx and that every
response matches the documented status codes, content types and schemas. One test
per operation, on each database backend.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from api.app import create_app
from api.settings import Settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 6


def _operations() -> list[tuple[str, str]]:
    # the schema does not touch the database: an unused in-memory URL is enough
    spec = create_app(Settings(database_url="sqlite://")).openapi()
    return [(m.upper(), p) for p, item in spec["paths"].items() for m in item]


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda x: x)
def test_no_server_error_and_no_schema_violation(app, users, make_plan, method, path):
    make_plan()
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    headers = users.headers("manager")

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
