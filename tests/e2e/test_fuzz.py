"""Property-based fuzzing of the running local stack from docs/openapi.json (schemathesis): for
generated valid and invalid requests, the API never answers 5xx, answers only documented statuses
and content types, and its documents match their documented schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from infra.tools.openapi import OPENAPI_FILE
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
schema = schemathesis.openapi.from_path(OPENAPI_FILE)


@pytest.fixture(scope="module")
def token(stack: Stack) -> str:
    return stack.post("/auth/login", {"code": "fuzzer"}).json["token"]


def _call(case: schemathesis.Case, stack: Stack, token: str) -> None:
    # Opaque cursors are validated by the server, so a schema-valid cursor may rightly be a 400:
    # positive_data_acceptance is not checked; everything else the schema promises is.
    case.call_and_validate(
        base_url=stack.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


@schema.exclude(path_regex=r"^/admin/").parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests(case: schemathesis.Case, stack: Stack, token: str) -> None:
    _call(case, stack, token)


# The back office's routes (over a hundred): a shopper's token is refused by each before its body
# is looked at, so fewer examples exercise what is reachable (validation first, then 401, the
# public sign-in and invitation routes' own answers). They stay few for a second reason: sign-in
# attempts from one address are limited, and every request here comes from 127.0.0.1.
@schema.include(path_regex=r"^/admin/").parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_admin_requests(case: schemathesis.Case, stack: Stack, token: str) -> None:
    _call(case, stack, token)
