"""Payment events that need a person's attention: a payment for an order we do not know, one whose
amount, merchant or app does not match, a second payment, a refund notification that does not match
its refund. Each is kept as its own item (PK=PAYEVENT#<out_trade_no or out_refund_no>
SK=<kind>#<time>#<nonce>), counted as the metric ``Payment_<kind>`` and logged as a warning; the
merchant reviews them (docs/payments.md). Payments and refunds both write them, so they live below
both.
"""

from __future__ import annotations

import secrets
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.adapters.observability import MetricUnit, logger, metrics

# What applying a payment or a refund notification came to (pay/notify's logs and metrics).
PAID = "paid"
DUPLICATE = "duplicate"
MISMATCH = "mismatch"
LATE = "late_payment"
UNKNOWN = "unknown_order"
NOT_PAID = "not_paid"


def record(out_no: str, kind: str, details: dict[str, Any]) -> None:
    """Keep an event that needs attention (unknown order, mismatch, ...)."""
    now = now_epoch()
    db.client().put_item(TableName=db.table(), Item=db.to_item({
        "PK": f"PAYEVENT#{out_no}", "SK": f"{kind}#{iso_from_epoch(now)}#{secrets.token_hex(4)}",
        "type": "payment_event", "kind": kind, "out_no": out_no, "recorded_at": iso_from_epoch(now), **details,
    }))
    metrics.add_metric(name=f"Payment_{kind}", unit=MetricUnit.Count, value=1)
    logger.warning("payment event recorded", extra={"kind": kind, "out_no": out_no})
