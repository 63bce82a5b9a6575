"""The shop's errors. Each carries its HTTP status and a stable machine-readable code; the API layer
(shop.edge.api) turns every one of them into the single error shape
``{"error": {"code": ..., "message": ..., "details": ...}}``. Messages are written for the
mini-program developer and never contain internal names."""

from __future__ import annotations

from typing import Any


class ShopError(Exception):
    status: int = 400
    code: str = "bad_request"
    message: str = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class InvalidRequest(ShopError):
    status, code, message = 400, "invalid_request", "The request is not valid."


class Unauthorized(ShopError):
    status, code, message = 401, "unauthorized", "Authentication is required."


class Forbidden(ShopError):
    status, code, message = 403, "forbidden", "This action is not allowed."


class NotFound(ShopError):
    status, code, message = 404, "not_found", "The resource does not exist."


class MethodNotAllowed(ShopError):
    status, code, message = 405, "method_not_allowed", "This method is not allowed on this path."


class Conflict(ShopError):
    status, code, message = 409, "conflict", "The request conflicts with the current state."


class PayloadTooLarge(ShopError):
    status, code, message = 413, "payload_too_large", "The request body is too large."


class UnsupportedMediaType(ShopError):
    status, code, message = 415, "unsupported_media_type", "Send the body as application/json."


class TooManyRequests(ShopError):
    status, code, message = 429, "too_many_requests", "Too many requests; try again later."


class UpstreamError(ShopError):
    status, code, message = 502, "upstream_error", "An upstream service answered unexpectedly."


class ServiceUnavailable(ShopError):
    status, code, message = 503, "service_unavailable", "The service is busy; try again shortly."


class InternalError(ShopError):
    status, code, message = 500, "internal_error", "Something went wrong on our side; it has been logged."


class ConfigurationError(Exception):
    """The deployment is missing a setting or credential. Logged and answered as a 500: the caller
    can do nothing about it, the operator must."""
