"""The stock ledger: one item per move of a SKU's stock, written in the same transaction as the
move itself (merchant set/adjust, an order's reservation, a cancellation's release, a returned or
refunded line put back). Kept free of models so the order transactions import it cheaply.

Item: PK=PRODUCT#<product> SK=STOCKLOG#<sku>#<UTC ns, 20 digits>#<random> with
  type=stock_log, sku_id, delta (signed units), kind (set | adjust | order | cancel | return |
  refund | import), after (the stock after the move, for merchant moves, which condition on the
  value they read; null for order moves, which add to whatever the stock is), reason, actor, ref
  (order or refund id), at (UTC ISO 8601).

The rule (docs/catalog.md): for every SKU, ``stock == stock_opening + sum(delta)`` over its
entries, where ``stock_opening`` is the stock the SKU item was created with.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

from shop.adapters import db

PREFIX = "STOCKLOG#"


def sort_key(sku_id: str, ns: int | None = None) -> str:
    return f"{PREFIX}{sku_id}#{(ns or time.time_ns()):020d}#{secrets.token_hex(4)}"


def entry(sku_id: str, delta: int, kind: str, *, after: int | None = None, reason: str | None = None,
          actor: str | None = None, ref: str | None = None) -> dict[str, Any]:
    """A TransactWriteItems action that records one move of ``sku_id``'s stock."""
    ns = time.time_ns()
    item: dict[str, Any] = {
        "PK": f"PRODUCT#{sku_id.rsplit('.', 1)[0]}", "SK": sort_key(sku_id, ns), "type": "stock_log",
        "sku_id": sku_id, "delta": int(delta), "kind": kind, "after": after, "reason": reason, "actor": actor,
        "ref": ref, "at": datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
    }
    return {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}}


def line_entries(lines: list[dict[str, Any]], sign: int, kind: str, ref: str) -> list[dict[str, Any]]:
    """One entry per order (or refund) line: ``sign`` times its quantity."""
    return [entry(line["sku_id"], sign * int(line["quantity"]), kind, ref=ref) for line in lines]
