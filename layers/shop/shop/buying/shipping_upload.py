"""Reporting shipments to WeChat (upload_shipping_info), reliably, from the ShippingUploads worker.

A shipping change (shop.buying.shipments) bumps ``shipping_upload.version`` on the order and puts the
order's upload task (PK=ORDER#<id> SK=SHIPPING_UPLOAD) with that version, due now, on the DueByTime
index (due_shard SHIPUP#<n>). Every minute the worker takes the due tasks:

1. claim: a conditional update (same version, due, no live lease) sets a lease of LEASE_SECONDS; a
   second worker running at the same time fails the condition and leaves the task alone;
2. read the order and send every parcel so far (the full state, ``body``);
3. record the outcome in one transaction on the task (conditional on the lease) and on the order
   (conditional on the version, so an older upload never overwrites a newer state):
   - accepted: the task is deleted, ``shipping_upload.state`` = uploaded;
   - refused in a way worth retrying (10060001 支付单不存在 - normal seconds after a payment -,
     10060019 write conflict, -1 busy, no answer): attempts + 1 and due again after retry_delay;
     after MAX_ATTEMPTS it fails;
   - refused for good (10060003 re-ship used, 10060004 not shippable, 10060031 wrong payer, format
     errors): ``state`` = failed, the task moves to due_shard SHIPFAIL (GET /admin/shipping/issues),
     metric ShippingUploadFailed.
   The merchant reads attempts and the last error, in Chinese, on the order.

Never uploaded twice for one state: only the lease holder uploads, and a task whose previous lease
ran out without an outcome (the worker stopped after calling WeChat) first asks get_order whether
WeChat already has exactly this shipping; if so it is recorded as uploaded without a second call
(WeChat counts a second upload after shipping is complete as the one re-ship).

The message jump path (set_msg_jump_path) is set by the worker the first time it runs with a path
that differs from the one recorded in PK=WECHAT SK=MSG_JUMP_PATH, then remembered there.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.adapters.wechat import shipping
from shop.buying import orders, shipments
from shop.buying.models.shipping import LOGISTICS_TYPE

LEASE_SECONDS = 60
MAX_ATTEMPTS = 30  # about a day with the delays below
RETRY_DELAYS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800)
RETRY_EVERY = 3600
JUMP_PATH_KEY = {"PK": {"S": "WECHAT"}, "SK": {"S": "MSG_JUMP_PATH"}}
DEFAULT_JUMP_PATH = "pages/orders/detail"
_BEIJING = timezone(timedelta(hours=8))
_jump_path_done: str | None = None

MESSAGES = {
    shipping.NOT_VISIBLE: "微信还查不到这笔支付（支付后几秒到一分钟内属正常），稍后自动重试。",
    shipping.RESHIP_USED: "这笔支付已用过唯一一次修改发货信息的机会，微信不再接受修改。",
    shipping.NOT_SHIPPABLE: "支付单处于不可发货的状态（已退款、已完成或已确认收货），请在微信公众平台核对。",
    shipping.WRITE_CONFLICT: "微信写冲突，稍后自动重试。",
    shipping.WRONG_PAYER: "支付单不属于这个用户（openid 不符）。",
    shipping.LIST_LENGTH: "统一发货模式下物流信息只能有一条。",
    shipping.SYSTEM_BUSY: "微信系统繁忙，稍后自动重试。",
    None: "无法连接微信，稍后自动重试。",
}


def message_for(err: shipping.ShippingApiError) -> str:
    if err.errcode in MESSAGES:
        return MESSAGES[err.errcode]
    if err.errcode == shipping.FORMAT_ERROR:
        return f"微信不接受发货信息的格式：{err.errmsg}"
    return f"微信拒绝了发货信息（错误码 {err.errcode}）：{err.errmsg}"


def retry_delay(attempts: int) -> int:
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else RETRY_EVERY


def due(now: int, limit: int = 100) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for shard in range(shipments.UPLOAD_SHARDS):
        resp = db.client().query(
            TableName=db.table(), IndexName="DueByTime", Limit=limit,
            KeyConditionExpression="due_shard = :s AND due_at <= :now",
            ExpressionAttributeValues={":s": {"S": f"SHIPUP#{shard}"}, ":now": {"N": str(now)}})
        found += [db.from_item(i) for i in resp.get("Items", [])]
    return found


# ---------------------------------------------------------------- the body

def _item_desc(lines: list[dict[str, Any]], order: dict[str, Any]) -> str:
    titles = {line["sku_id"]: line["title"] + (" " + "/".join(line["specs"].values()) if line.get("specs") else "")
              for line in order["lines"]}
    text = ";".join(f"{titles.get(line['sku_id'], line['sku_id'])}*{line['quantity']}" for line in lines)
    return text if len(text) <= 120 else text[:117] + "..."


def _masked_phone(order: dict[str, Any]) -> str | None:
    phone = str((order.get("address") or {}).get("phone") or "")
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else None


def body(order: dict[str, Any], now: int) -> dict[str, Any]:
    """upload_shipping_info for every parcel of the order so far."""
    parcels = order.get("shipments") or []
    # complete: every unit is in a parcel (SHIPPED and later), or not express (one go, whole order)
    complete = order["status"] != "PAID" or parcels[0]["logistics"] != "express"
    mode = 1 if len(parcels) == 1 and complete else 2
    shipping_list = []
    for parcel in parcels:
        entry: dict[str, Any] = {"item_desc": _item_desc(parcel.get("lines") or [], order)}
        if parcel["logistics"] == "express":
            entry.update(tracking_no=parcel["tracking_no"], express_company=parcel["carrier"])
            if parcel["carrier"] == "SF" and (phone := _masked_phone(order)):
                entry["contact"] = {"receiver_contact": phone}
        shipping_list.append(entry)
    result: dict[str, Any] = {
        "order_key": {"order_number_type": 2, "transaction_id": order["transaction_id"]},
        "logistics_type": LOGISTICS_TYPE[parcels[0]["logistics"]], "delivery_mode": mode,
        "shipping_list": shipping_list,
        "upload_time": datetime.fromtimestamp(now, UTC).astimezone(_BEIJING).isoformat(timespec="milliseconds"),
        "payer": {"openid": order["openid"]},
    }
    if mode == 2:
        result["is_all_delivered"] = complete
    return result


def _already_there(order: dict[str, Any], sent: dict[str, Any]) -> bool:
    """Whether WeChat's get_order already shows exactly this shipping (an earlier upload whose outcome
    was never recorded)."""
    try:
        theirs = shipping.get_order(order["transaction_id"]).get("shipping") or {}
    except shipping.ShippingApiError:
        return False
    finished = sent["delivery_mode"] == 1 or bool(sent.get("is_all_delivered"))
    mine = [(i.get("tracking_no", ""), i.get("express_company", "")) for i in sent["shipping_list"]]
    got = [(i.get("tracking_no", ""), i.get("express_company", "")) for i in theirs.get("shipping_list") or []]
    return (theirs.get("delivery_mode") == sent["delivery_mode"] and theirs.get("logistics_type") == sent["logistics_type"]
            and bool(theirs.get("finish_shipping")) == finished and mine == got)


# ---------------------------------------------------------------- one task

def run(task: dict[str, Any], now: int) -> str:
    order_id, version = task["order_id"], int(task["version"])
    lease = secrets.token_hex(8)
    try:
        old = db.client().update_item(
            TableName=db.table(), Key=shipments.task_key(order_id), ReturnValues="UPDATED_OLD",
            UpdateExpression="SET lease = :lease, lease_until = :until",
            ConditionExpression="version = :v AND begins_with(due_shard, :queued) AND due_at <= :now "
                                "AND (attribute_not_exists(lease_until) OR lease_until < :now)",
            ExpressionAttributeValues={":lease": {"S": lease}, ":until": {"N": str(now + LEASE_SECONDS)},
                                       ":v": {"N": str(version)}, ":queued": {"S": "SHIPUP#"}, ":now": {"N": str(now)}},
        ).get("Attributes", {})
    except Exception as exc:
        if db.is_condition_failure(exc):
            return "skipped"
        raise
    order = orders.load(order_id)
    upload = (order or {}).get("shipping_upload") or {}
    if order is None or int(upload.get("version", -1)) != version or not order.get("shipments"):
        _drop(order_id, lease)
        return "stale"
    sent = body(order, now)
    attempts = int(task.get("attempts", 0)) + 1
    if "lease" in old and _already_there(order, sent):  # a lease ran out after an upload, outcome unknown
        logger.info("shipping already at WeChat", extra={"order_id": order_id, "version": version})
        return _record(order_id, version, lease, now, attempts, uploaded=sent)
    try:
        shipping.upload_shipping_info(sent)
    except shipping.ShippingApiError as err:
        return _record(order_id, version, lease, now, attempts, error=err)
    return _record(order_id, version, lease, now, attempts, uploaded=sent)


def _drop(order_id: str, lease: str) -> None:
    try:
        db.client().delete_item(TableName=db.table(), Key=shipments.task_key(order_id),
                                ConditionExpression="lease = :lease", ExpressionAttributeValues={":lease": {"S": lease}})
    except Exception as exc:
        if not db.is_condition_failure(exc):
            raise


def _record(order_id: str, version: int, lease: str, now: int, attempts: int, *,
            uploaded: dict[str, Any] | None = None, error: shipping.ShippingApiError | None = None) -> str:
    at = iso_from_epoch(now)
    key, values = shipments.task_key(order_id), {":lease": {"S": lease}, ":v": {"N": str(version)}}
    order_values: dict[str, Any] = {":v": {"N": str(version)}, ":n": {"N": str(attempts)}, ":at": {"S": at}}
    if uploaded is not None:
        finished = uploaded["delivery_mode"] == 1 or bool(uploaded.get("is_all_delivered"))
        task_action: dict[str, Any] = {"Delete": {"TableName": db.table(), "Key": key,
                                                  "ConditionExpression": "lease = :lease AND version = :v",
                                                  "ExpressionAttributeValues": values}}
        order_update = ("SET shipping_upload.#st = :state, shipping_upload.attempts = :n, shipping_upload.uploaded_at = :at, "
                        "shipping_upload.finished = :fin REMOVE shipping_upload.next_attempt_at")
        order_values.update({":state": {"S": "uploaded"}, ":fin": {"BOOL": finished}})
        outcome = "uploaded"
    else:
        assert error is not None
        message = message_for(error)
        retry = error.retryable and attempts < MAX_ATTEMPTS
        task_values = {**values, ":n": {"N": str(attempts)}, ":msg": {"S": message},
                       ":code": {"N": str(error.errcode)} if error.errcode is not None else {"NULL": True}}
        if retry:
            task_values.update({":due": {"N": str(now + retry_delay(attempts))}})
            task_set = "SET attempts = :n, due_at = :due, last_error_code = :code, last_error_message = :msg"
        else:
            task_values.update({":due": {"N": str(now)}, ":failed": {"S": shipments.FAILED_SHARD}})
            task_set = ("SET attempts = :n, due_at = :due, due_shard = :failed, last_error_code = :code, "
                        "last_error_message = :msg")
        task_action = {"Update": {"TableName": db.table(), "Key": key, "UpdateExpression": task_set + " REMOVE lease, lease_until",
                                  "ConditionExpression": "lease = :lease AND version = :v",
                                  "ExpressionAttributeValues": task_values}}
        order_update = ("SET shipping_upload.#st = :state, shipping_upload.attempts = :n, "
                        "shipping_upload.last_error_code = :code, shipping_upload.last_error_message = :msg, "
                        "shipping_upload.last_attempt_at = :at")
        order_values.update({":state": {"S": "pending" if retry else "failed"}, ":code": task_values[":code"],
                             ":msg": {"S": message}})
        if retry:
            order_update += ", shipping_upload.next_attempt_at = :next"
            order_values[":next"] = {"S": iso_from_epoch(now + retry_delay(attempts))}
        else:
            order_update += " REMOVE shipping_upload.next_attempt_at"
        outcome = "retry" if retry else "failed"
        logger.warning("shipping upload refused", extra={"order_id": order_id, "errcode": error.errcode,
                                                         "attempts": attempts, "retry": retry})
    actions = [task_action, {"Update": {
        "TableName": db.table(), "Key": orders.order_key(order_id), "UpdateExpression": order_update,
        "ConditionExpression": "shipping_upload.version = :v", "ExpressionAttributeNames": {"#st": "state"},
        "ExpressionAttributeValues": order_values}}]
    if not db.transact(actions):
        return "stale"  # a newer shipping state replaced this one: its own task uploads it
    if outcome == "failed":
        metrics.add_metric(name="ShippingUploadFailed", unit=MetricUnit.Count, value=1)
    elif outcome == "uploaded":
        metrics.add_metric(name="ShippingUploaded", unit=MetricUnit.Count, value=1)
    return outcome


# ---------------------------------------------------------------- the message jump path

def jump_path() -> str:
    return os.environ.get("SHIPPING_MSG_JUMP_PATH") or DEFAULT_JUMP_PATH


def ensure_jump_path() -> bool:
    """Set the page WeChat's shipping messages open, once per path (True when it was set now)."""
    global _jump_path_done
    path = jump_path()
    if _jump_path_done == path:
        return False
    resp = db.client().get_item(TableName=db.table(), Key=JUMP_PATH_KEY, ConsistentRead=True)
    if resp.get("Item", {}).get("path", {}).get("S") == path:
        _jump_path_done = path
        return False
    try:
        shipping.set_msg_jump_path(path)
    except shipping.ShippingApiError as err:
        logger.warning("set_msg_jump_path failed", extra={"errcode": err.errcode})
        return False
    db.client().put_item(TableName=db.table(), Item={**JUMP_PATH_KEY, "type": {"S": "msg_jump_path"},
                                                     "path": {"S": path}, "set_at": {"S": iso_from_epoch(
                                                         int(datetime.now(UTC).timestamp()))}})
    _jump_path_done = path
    return True


def forget() -> None:
    global _jump_path_done
    _jump_path_done = None
