"""The local API Gateway matches routes and builds events as API Gateway HTTP APIs do."""

from __future__ import annotations

import base64

from infra.local.gateway import Router, _to_http, build_event
from infra.local.template import Route

ROUTES = [
    Route("GET", "/products", "List"),
    Route("GET", "/products/{id}", "Get"),
    Route("GET", "/products/featured", "Featured"),
    Route("ANY", "/files/{proxy+}", "Files"),
    Route("POST", "/files/{proxy+}", "Upload"),
    Route("ANY", "$default", "Fallback"),
]


def test_most_specific_route_wins() -> None:
    router = Router(ROUTES)
    assert router.match("GET", "/products/featured")[0].function == "Featured"
    assert router.match("GET", "/products/p-1") == (ROUTES[1], {"id": "p-1"})
    assert router.match("POST", "/files/a/b")[0].function == "Upload"
    assert router.match("GET", "/files/a/b") == (ROUTES[3], {"proxy": "a/b"})


def test_unmatched_requests_go_to_default() -> None:
    router = Router(ROUTES)
    assert router.match("DELETE", "/products")[0].function == "Fallback"
    assert router.match("GET", "/nothing")[0].function == "Fallback"
    assert Router(ROUTES[:2]).match("GET", "/nothing") is None


def test_event_is_payload_format_2() -> None:
    event = build_event(
        method="POST", target="/products/p%201?a=1&a=2&b=", route=ROUTES[1], path_params={"id": "p 1"},
        headers=[("Content-Type", "application/json"), ("X-Multi", "1"), ("X-Multi", "2"), ("Cookie", "a=1; b=2")],
        body='{"x":"价格"}'.encode(), source_ip="10.0.0.1", host="127.0.0.1:3000",
    )
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /products/{id}"
    assert event["rawQueryString"] == "a=1&a=2&b="
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["headers"]["x-multi"] == "1,2"
    assert event["cookies"] == ["a=1", "b=2"] and "cookie" not in event["headers"]
    assert event["pathParameters"] == {"id": "p 1"}
    assert event["body"] == '{"x":"价格"}' and event["isBase64Encoded"] is False
    assert event["requestContext"]["http"]["sourceIp"] == "10.0.0.1"


def test_binary_bodies_are_base64() -> None:
    event = build_event(method="POST", target="/x", route=ROUTES[0], path_params={}, headers=[("content-type", "image/png")],
                        body=b"\x89PNG", source_ip="1.1.1.1", host="h")
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x89PNG"


def test_results_become_http() -> None:
    status, headers, body = _to_http({"statusCode": 201, "headers": {"A": "1"}, "cookies": ["s=1"], "body": "hi"})
    assert (status, body) == (201, b"hi") and ("Set-Cookie", "s=1") in headers
    status, _, body = _to_http({"plain": True})
    assert status == 200 and body == b'{"plain": true}'
