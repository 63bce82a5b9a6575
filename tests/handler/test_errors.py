"""The edge: unknown routes, wrong methods, server-side failures - always the one error shape,
never a stack trace or an internal name."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from shop.catalog import products
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("aws")


def _assert_error_shape(text: str) -> dict:
    body = json.loads(text)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


@pytest.mark.parametrize("path", ["/nope", "/products/p-1/reviews", "/", "/auth", "/me/orders"])
def test_unknown_routes_are_404_in_the_error_shape(api: Api, path: str) -> None:
    reply = api.get(path)
    assert reply.status == 404
    assert _assert_error_shape(reply.text)["code"] == "route_not_found"
    assert api.invoked[-1] == "FallbackFunction"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/products", "GET"),
        ("POST", "/products/p-tee-basic", "GET"),
        ("GET", "/auth/login", "POST"),
        ("PUT", "/me", "GET"),
        ("PATCH", "/categories", "GET"),
    ],
)
def test_wrong_methods_are_405_with_allow(api: Api, method: str, path: str, allowed: str) -> None:
    reply = api.request(method, path)
    assert reply.status == 405
    assert reply.headers["allow"] == allowed
    error = _assert_error_shape(reply.text)
    assert error["code"] == "method_not_allowed"
    assert error["details"] == {"allowed": [allowed]}


def test_unexpected_failure_is_500_without_internals(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("KeyError in shop.catalog at table minishop-secret-internal")

    monkeypatch.setattr(products, "list_categories", broken)
    reply = api.get("/categories")
    assert reply.status == 500
    error = _assert_error_shape(reply.text)
    assert error["code"] == "internal_error"
    assert "minishop-secret-internal" not in reply.text and "Traceback" not in reply.text
    assert reply.headers["cache-control"] == "no-store"


def test_dynamodb_throttling_is_503_retryable(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def throttled() -> None:
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "Query")

    monkeypatch.setattr(products, "list_categories", throttled)
    reply = api.get("/categories")
    assert reply.status == 503
    assert reply.error_code == "service_unavailable"
    assert reply.headers["retry-after"] == "1"


def test_missing_credential_is_a_logged_500(api: Api, monkeypatch: pytest.MonkeyPatch, wechat, app_logs) -> None:
    monkeypatch.delenv("SESSION_PRIVATE_KEY")
    reply = api.post("/auth/login", {"code": "config"})
    assert reply.status == 500
    assert reply.error_code == "internal_error"
    assert "session_private_key" not in reply.text
    assert "credential session_private_key is not configured" in app_logs.getvalue()
    assert not wechat.calls  # refused before calling WeChat or writing anything
