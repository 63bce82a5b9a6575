"""Merchant stock moves (set / adjust with a reason) and the stock ledger's pages (docs/catalog.md).

A SKU's ``stock`` is what is still sellable: an order reserves by taking from it (conditional on
enough being there) and a cancellation gives back. A merchant move reads the stock and writes, in
one transaction, ``stock = <value wanted>`` conditional on ``stock`` still being the value read, its
ledger entry (delta, after) and its audit entry; a concurrent order's decrement makes the condition
fail and the move is re-read and retried, so it never overwrites an order's decrement and never
goes below zero (below what unpaid orders took: they are no longer in ``stock``).
"""

from __future__ import annotations

import random
import time
from typing import Any

from shop.adapters import db
from shop.adapters.clock import now_utc
from shop.catalog import ledger
from shop.catalog.admin_models import LedgerEntry, LedgerPage, StockChange, StockResult
from shop.catalog.skus import sku_key
from shop.core import pagination
from shop.core.audit import entry as audit_entry
from shop.core.errors import Conflict, NotFound

ATTEMPTS = 10


def _sku_not_found() -> NotFound:
    return NotFound("商品规格不存在。", code="sku_not_found")


def _read(sku_id: str) -> dict[str, Any]:
    raw = db.client().get_item(TableName=db.table(), Key=sku_key(sku_id), ConsistentRead=True).get("Item")
    if raw is None:
        raise _sku_not_found()
    return db.from_item(raw)


def change(sku_id: str, body: StockChange, *, actor: str) -> StockResult:
    for attempt in range(ATTEMPTS):
        sku = _read(sku_id)
        current = int(sku.get("stock", 0))
        wanted = body.quantity if body.mode == "set" else current + (body.delta or 0)
        assert wanted is not None
        if wanted < 0:
            raise Conflict(f"可售库存只有 {current} 件（未支付订单占用的已不在其中），不能减少 {-(body.delta or 0)} 件。",
                           code="insufficient_stock", details={"stock": current})
        if wanted == current:
            return StockResult(sku_id=sku_id, stock=current, delta=0, ledger_id=None)
        log = ledger.entry(sku_id, wanted - current, body.mode, after=wanted, reason=body.reason, actor=actor)
        actions = [
            {"Update": {"TableName": db.table(), "Key": sku_key(sku_id), "UpdateExpression": "SET stock = :wanted",
                        "ConditionExpression": "stock = :read",
                        "ExpressionAttributeValues": {":wanted": {"N": str(wanted)}, ":read": {"N": str(current)}}}},
            log,
            audit_entry(db.table(), actor=actor, action=f"catalog.stock.{body.mode}", target_type="sku", target_id=sku_id,
                        at=now_utc(), before={"stock": current}, after={"stock": wanted}, note=body.reason),
        ]
        if db.transact(actions):
            return StockResult(sku_id=sku_id, stock=wanted, delta=wanted - current, ledger_id=log["Put"]["Item"]["SK"]["S"])
        time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # noqa: S311 - jitter, not a secret
    raise Conflict("库存正在被订单频繁变动，请稍后重试。", code="stock_busy")


def ledger_page(sku_id: str, *, cursor: str | None, limit: int = 50) -> LedgerPage:
    """Newest first. One GetItem of the SKU (its stock and opening balance) and one Query."""
    sku = _read(sku_id)
    prefix = f"{ledger.PREFIX}{sku_id}#"
    params: dict[str, Any] = {
        "TableName": db.table(), "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)", "ScanIndexForward": False,
        "ExpressionAttributeValues": {":pk": sku_key(sku_id)["PK"], ":p": {"S": prefix}}, "Limit": limit + 1,
        "ConsistentRead": True,
    }
    if cursor:
        payload = pagination.decode(cursor)
        key = payload.get("k")
        if payload.get("s") != sku_id or not isinstance(key, str) or not key.startswith(prefix) or len(key) > 200:
            raise pagination.invalid_cursor()
        params["ExclusiveStartKey"] = {"PK": sku_key(sku_id)["PK"], "SK": {"S": key}}
    items = [db.from_item(i) for i in db.client().query(**params).get("Items", [])]
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = pagination.encode({"s": sku_id, "k": items[-1]["SK"]})
    return LedgerPage(
        sku_id=sku_id, stock=int(sku.get("stock", 0)), stock_opening=int(sku.get("stock_opening", 0)),
        items=[LedgerEntry(id=i["SK"], sku_id=i["sku_id"], delta=i["delta"], after=i.get("after"), kind=i["kind"],
                           reason=i.get("reason"), actor=i.get("actor"), ref=i.get("ref"), at=i["at"]) for i in items],
        next_cursor=next_cursor,
    )
