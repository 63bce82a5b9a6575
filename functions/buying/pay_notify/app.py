"""POST /pay/notify - WeChat Pay's notifications: payments (TRANSACTION.SUCCESS) and refunds
(REFUND.SUCCESS / ABNORMAL / CLOSED).

The raw body is verified first (timestamp, serial, signature, then decryption; shop.adapters.wechat.pay):
anything that fails is a 401 ``{"code": "FAIL", ...}`` and changes nothing. A verified notification
is applied exactly once (shop.buying.payments, shop.buying.refunds); repeats answer success. Answers follow
WeChat's contract: 204 for success, 4xx/5xx with ``{"code": "FAIL", "message": ...}`` to be retried.
"""

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from shop.buying import payments, refunds
from shop.edge.api import create_app, lambda_handler_for, raw_body, request_domain
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.adapters.wechat.pay import NotificationRejected, WeChatPay

app = create_app()
FAIL_SCHEMA = {"application/json": {"schema": {"type": "object", "properties": {
    "code": {"type": "string", "enum": ["FAIL"]}, "message": {"type": "string"}}}}}


def fail(status: int, message: str) -> Response:
    return Response(status_code=status, content_type="application/json",
                    body=json.dumps({"code": "FAIL", "message": message}), headers={"Cache-Control": "no-store"})


@app.exception_handler(Exception)
def _unexpected(exc: Exception) -> Response:
    logger.exception("pay notification failed; WeChat Pay will retry it")
    metrics.add_metric(name="PayNotifyError", unit=MetricUnit.Count, value=1)
    return fail(500, "temporary failure, retry")


@app.post(
    "/pay/notify", summary="WeChat Pay notifications", tags=["payments"],
    description="Called by WeChat Pay, not by the mini-program. Verified before anything is read.",
    # The body is read raw and verified by hand; the answers follow WeChat's contract, not a model.
    enable_validation=False,
    responses={204: {"description": "Accepted (also for a repeat)"},
               401: {"description": "Verification failed", "content": FAIL_SCHEMA},
               404: {"description": "Unknown order or refund (recorded; WeChat retries)", "content": FAIL_SCHEMA},
               409: {"description": "The notification conflicts with the order's state (WeChat retries)",
                     "content": FAIL_SCHEMA},
               413: {"description": "Body too large", "content": FAIL_SCHEMA},
               500: {"description": "Temporary failure (WeChat retries)", "content": FAIL_SCHEMA},
               503: {"description": "DynamoDB or WeChat Pay busy (WeChat retries)", "content": FAIL_SCHEMA}},
)
def pay_notify():  # noqa: ANN201 - answers follow WeChat Pay, documented in responses=
    try:
        note = WeChatPay().parse_notification(dict(app.current_event.headers), raw_body(app))
    except NotificationRejected as rejected:
        logger.warning("pay notification refused", extra={"reason": rejected.reason})
        metrics.add_metric(name="PayNotifyRejected", unit=MetricUnit.Count, value=1)
        return fail(401, f"verification failed: {rejected.reason}")
    if note.event_type == "TRANSACTION.SUCCESS":
        outcome = payments.apply_transaction(note.resource, domain=request_domain(app))
    elif note.event_type.startswith("REFUND."):
        outcome = refunds.apply_notification(note.resource)
    else:
        payments.record(str(note.resource.get("out_trade_no", "-")), "unhandled_event", {"event_type": note.event_type})
        outcome = "ignored"
    logger.info("pay notification applied", extra={"event_type": note.event_type, "outcome": outcome, "id": note.id})
    if outcome == payments.UNKNOWN:
        return fail(404, "unknown order or refund")
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


_handler = lambda_handler_for(app, check_json=False)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every answer that is not a success speaks WeChat Pay's language, ``{"code": "FAIL",
    "message": ...}``, whatever produced it: a verification failure, a ShopError (a 409 the domain
    raised, a 503 when DynamoDB is busy), a body refused before the resolver ran (413)."""
    result = _handler(event, context)
    if result.get("statusCode", 500) >= 400:
        try:
            body = json.loads(result.get("body") or "{}")
        except ValueError:
            body = {}
        if not (isinstance(body, dict) and body.get("code") == "FAIL"):
            error = body.get("error") if isinstance(body, dict) else None
            message = error.get("message") if isinstance(error, dict) else None
            result = {**result, "headers": {**(result.get("headers") or {}), "Content-Type": "application/json"},
                      "body": json.dumps({"code": "FAIL", "message": message or "temporary failure, retry"})}
    return result
