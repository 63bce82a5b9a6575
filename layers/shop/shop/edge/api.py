"""The HTTP edge shared by every function: the resolver factory, the one error shape, and the Lambda
entry point wrapper (logging context, metrics, body size limit).

Exceptions become HTTP responses here and nowhere else:
- ShopError subclasses -> their status and code;
- request validation errors -> 400 invalid_request (415 / 400 malformed_json for bodies that are not
  JSON), with the offending fields in ``details``;
- anything else -> 500 internal_error, logged with its traceback, never echoed to the caller.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths

from shop.core.errors import (
    InternalError,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    ShopError,
    UnsupportedMediaType,
)
from shop.adapters.observability import MetricUnit, logger, metrics

JSON = "application/json"
NO_STORE = "no-store"
# JSON bodies of shop actions are small; anything larger is a mistake or an attack.
MAX_BODY_BYTES = 16 * 1024


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def error_payload(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(err: ShopError) -> Response:
    return Response(
        status_code=err.status,
        content_type=JSON,
        body=dumps(error_payload(err.code, err.message, err.details)),
        headers={"Cache-Control": NO_STORE, **err.headers},
    )


# a calendar day in a query string (Beijing business days: the route's description says so)
DAY = r"^\d{4}-\d{2}-\d{2}$"


def query_day(value: str | None, name: str) -> Any:
    """``value`` (YYYY-MM-DD, already matched against DAY) as a date, None when absent; a day that
    does not exist (2026-02-30) is a 400 invalid_date naming the parameter."""
    from datetime import date

    from shop.core.errors import InvalidRequest

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{name} 不是有效的日期（YYYY-MM-DD）。", code="invalid_date") from None


def ok(body: Any, *, cache: str = NO_STORE, status: int = 200) -> Response:
    """A JSON response; ``body`` may be a pydantic model (serialized by the resolver)."""
    return Response(status_code=status, content_type=JSON, body=body, headers={"Cache-Control": cache})


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    details = []
    for e in errors:
        loc = [str(part) for part in e.get("loc", ())]
        location = loc[0] if loc else "request"
        details.append(
            {
                "location": location,
                "field": ".".join(loc[1:]) or None,
                "message": e.get("msg", "invalid value"),
                "type": e.get("type", "value_error"),
            }
        )
    return details


def _validation_error(exc: RequestValidationError) -> Response:
    errors = list(exc.errors())
    types = {e.get("type") for e in errors}
    if "unsupported_content_type" in types:
        return error_response(UnsupportedMediaType())
    if "json_invalid" in types:
        return error_response(InvalidRequest("The request body is not valid JSON.", code="malformed_json"))
    return error_response(InvalidRequest("Some fields are missing or invalid.", details=_validation_details(errors)))


def _is_transient_aws_error(exc: Exception) -> bool:
    # Only a function that loaded botocore can raise its errors; the others skip the import.
    if "botocore" not in sys.modules:
        return False
    from shop.adapters.db import is_transient

    return is_transient(exc)


def create_app() -> APIGatewayHttpResolver:
    """A resolver with validation on and the shop's error mapping installed."""
    app = APIGatewayHttpResolver(enable_validation=True, serializer=dumps)

    @app.exception_handler(ShopError)
    def _shop_error(exc: ShopError) -> Response:
        if exc.status >= 500:
            logger.warning("answered with a server-side error", extra={"code": exc.code, "status": exc.status})
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    def _request_invalid(exc: RequestValidationError) -> Response:
        return _validation_error(exc)

    @app.not_found
    def _route_not_found(_: NotFoundError) -> Response:
        return error_response(NotFound("No such route.", code="route_not_found"))

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if _is_transient_aws_error(exc):
            logger.warning("transient AWS error", extra={"error": type(exc).__name__})
            metrics.add_metric(name="TransientError", unit=MetricUnit.Count, value=1)
            return error_response(ServiceUnavailable(headers={"Retry-After": "1"}))
        logger.exception("unhandled error")
        metrics.add_metric(name="UnhandledError", unit=MetricUnit.Count, value=1)
        return error_response(InternalError())

    return app


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _is_valid_json(event: dict[str, Any]) -> bool:
    """Whether the body is UTF-8 JSON that parses. Checked before the resolver, whose own parsing
    lets invalid UTF-8 and pathological nesting escape as exceptions (a 500) instead of a 400."""
    body = event.get("body") or ""
    try:
        text = base64.b64decode(body).decode("utf-8") if event.get("isBase64Encoded") else body
        json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):  # UnicodeDecodeError and binascii.Error are ValueErrors
        return False
    return True


def _body_size(event: dict[str, Any]) -> int:
    body = event.get("body") or ""
    size = len(body.encode("utf-8")) if isinstance(body, str) else len(body)
    return size * 3 // 4 if event.get("isBase64Encoded") else size


def raw_error(err: ShopError) -> dict[str, Any]:
    """An error as a Lambda proxy result, for answers given before the resolver runs."""
    return {
        "statusCode": err.status,
        "headers": {"Content-Type": JSON, "Cache-Control": NO_STORE, **err.headers},
        "body": dumps(error_payload(err.code, err.message, err.details)),
        "isBase64Encoded": False,
    }


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == JSON or (media.startswith("application/") and media.endswith("+json"))


def lambda_handler_for(
    app: APIGatewayHttpResolver, *, max_body_bytes: int = MAX_BODY_BYTES, check_json: bool = True
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point for ``app``: correlation id from the request, EMF metrics flushed at the
    end of each invocation, oversized and (with ``check_json``) non-JSON bodies refused before
    anything parses them. A route that must see the raw body first (a signed callback) turns
    ``check_json`` off and validates the body itself."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if _body_size(event) > max_body_bytes:
            return raw_error(PayloadTooLarge(f"The request body must be at most {max_body_bytes} bytes."))
        if event.get("body") and check_json:
            content_type = (event.get("headers") or {}).get("content-type")
            if content_type and not _is_json(content_type):
                return raw_error(UnsupportedMediaType())
            if not _is_valid_json(event):
                return raw_error(InvalidRequest("The request body is not valid JSON.", code="malformed_json"))
        return app.resolve(event, context)

    return handler


def raw_body(app: APIGatewayHttpResolver) -> bytes:
    """The request body exactly as the caller sent it (for signature checks)."""
    event = app.current_event
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


def request_domain(app: APIGatewayHttpResolver) -> str | None:
    """The API's own host name as the caller reached it (for callback URLs)."""
    return app.current_event.request_context.domain_name or None
