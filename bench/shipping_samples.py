"""Bench samples for shipping management and the message push (bench/common.py SAMPLES)."""

from __future__ import annotations

import os
import time
from typing import Any
from urllib.parse import urlencode


def _shipped(w: Any) -> str:
    from shop.buying import shipments
    from shop.buying.models.shipping import ShipRequest

    order = w.paid_order()
    shipments.ship(order["order_id"], ShipRequest(carrier="SF", tracking_no="SF7654321"), merchant="bench")
    return order["order_id"]


def change_tracking(w: Any) -> dict[str, Any]:
    return w.http("PATCH", f"/admin/orders/{_shipped(w)}/shipments/s1", {"tracking_no": "SF7654322"}, auth="merchant")


def upload_due(w: Any) -> dict[str, Any]:
    """One order's shipping due for upload (earlier samples' tasks uploaded first)."""
    from infra.local.gateway import scheduled_event
    from shop.buying import shipping_upload

    now = int(time.time())
    for task in shipping_upload.due(now + 3600):
        shipping_upload.run(task, now + 3600)
    _shipped(w)
    return scheduled_event("ShippingUploadsFunction", time.time())


def _push(w: Any, event: dict[str, Any], *, safe: bool) -> tuple[dict[str, str], bytes]:
    sim = w.stack.wechat.shipping
    sim.push_token = os.environ.get("WECHAT_PUSH_TOKEN", "")
    sim.push_aes_key = os.environ.get("WECHAT_PUSH_AES_KEY", "")
    return sim.push_request(event, safe=safe)


def verify(w: Any) -> dict[str, Any]:
    query, _ = _push(w, {}, safe=False)
    return w.http("GET", f"/wechat/push?{urlencode({**query, 'echostr': 'bench'})}", auth=None)


def settlement_push(w: Any) -> dict[str, Any]:
    order = w.paid_order()
    t = w.stack.wechat.pay.transactions[order["order_id"]]
    query, body = _push(w, {"Event": "trade_manage_order_settlement", "transaction_id": t["transaction_id"],
                            "merchant_trade_no": order["order_id"], "shipped_time": int(time.time()),
                            "estimated_settlement_time": int(time.time()) + 864000}, safe=True)
    return w.http("POST", f"/wechat/push?{urlencode(query)}", auth=None, raw=body,
                  headers={"content-type": "application/json"})
