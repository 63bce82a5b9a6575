"""OpenAPI helpers for the routes: the one error shape as a model, and the ``responses`` of a route
(its success document and the error statuses it can answer), used by every function's app.py and by
infra/tools/openapi.py."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. invalid_request, not_found")
    message: str = Field(description="Human-readable explanation for the developer")
    details: Any = Field(default=None, description="Extra data, e.g. the invalid fields")


class ErrorResponse(BaseModel):
    error: ErrorDetail


def responses(model: type[BaseModel], *errors: int, status: int = 200, description: str = "OK",
              stateful: bool = True) -> dict[int, Any]:
    """OpenAPI ``responses`` of a route: its success document and the error statuses it can answer.
    A ``stateful`` route (one that reads or writes DynamoDB) can also answer 503: throttled, or a
    transaction that kept conflicting with concurrent writers."""
    if stateful and 503 not in errors:
        errors = (*errors, 503)
    return {
        status: {"description": description, "content": {"application/json": {"model": model}}},
        **error_responses(*errors),
    }


def error_responses(*statuses: int) -> dict[int, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error statuses a route can answer with."""
    text = {
        400: "Invalid request (invalid_request, malformed_json, invalid_cursor)",
        401: "Missing, invalid or expired session token, or an invalid WeChat login code",
        403: "Forbidden (account_blocked: the merchant blocked this account; coupon_new_users_only)",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        415: "Body is not application/json",
        429: "Rate limited",
        502: "WeChat answered unexpectedly",
        503: "A dependency is busy or unreachable; retry",
    }
    return {
        s: {"description": text[s], "content": {"application/json": {"model": ErrorResponse}}} for s in statuses
    }
