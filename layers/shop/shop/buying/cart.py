"""The buyer's cart: one item per buyer (PK=USER#<id> SK=CART) holding a map SKU id -> line, so a
line is added, changed or removed by one conditional write and the line limit holds exactly. Each
line keeps the price it was added at; reading the cart joins today's price and stock from the SKU
items (one BatchGetItem), so a price change since adding is visible."""

from __future__ import annotations

from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.core.errors import Conflict, NotFound
from shop.buying.models.cart import MAX_CART_LINES, Cart, CartLine
from shop.catalog.skus import sku_key, stock_state


def cart_key(user_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "CART"}}


def _view(lines: dict[str, Any], skus: dict[str, dict[str, Any] | None]) -> Cart:
    items = []
    for sku_id, line in sorted(lines.items(), key=lambda kv: kv[1]["added_at"], reverse=True):
        sku = skus.get(sku_id)
        stock = int(sku.get("stock", 0)) if sku else 0
        problem = None
        if sku is None:
            problem = "sku_not_found"
        elif sku.get("product_status") != "on_sale":
            problem = "off_shelf"
        elif stock <= 0:
            problem = "out_of_stock"
        elif stock < line["quantity"]:
            problem = "insufficient_stock"
        price = int(sku["price"]) if sku else None
        items.append(CartLine(
            sku_id=sku_id, product_id=sku.get("product_id") if sku else None, title=sku.get("title") if sku else None,
            specs=sku.get("specs", {}) if sku else {}, image_url=sku.get("cover_url") if sku else None,
            quantity=line["quantity"], unit_price=price, added_price=line["added_price"],
            price_changed=price is not None and price != line["added_price"], stock=max(stock, 0),
            stock_state=stock_state(stock), available=problem is None, problem=problem, added_at=line["added_at"],
        ))
    return Cart(
        items=items,
        total_quantity=sum(i.quantity for i in items),
        available_total=sum((i.unit_price or 0) * i.quantity for i in items if i.available),
    )


def _skus(sku_ids: list[str], known: dict[str, dict[str, Any] | None] | None = None) -> dict[str, dict[str, Any] | None]:
    """Today's SKU items for ``sku_ids`` (one BatchGetItem for those not already ``known``)."""
    skus = dict(known or {})
    missing = [s for s in sku_ids if s not in skus]
    found = db.batch_get([sku_key(s) for s in missing]) if missing else {}
    for sku_id in missing:
        key = sku_key(sku_id)
        raw = found.get(db.key_of(key))
        skus[sku_id] = db.from_item(raw) if raw else None
    return skus


def get(user_id: str) -> Cart:
    resp = db.client().get_item(TableName=db.table(), Key=cart_key(user_id), ConsistentRead=True)
    lines: dict[str, Any] = db.from_item(resp["Item"]).get("lines", {}) if "Item" in resp else {}
    return _view(lines, _skus(list(lines)))


def put(user_id: str, sku_id: str, quantity: int) -> Cart:
    """Set a line's quantity, adding the line if it is new: one read of the SKU and the cart, one
    conditional write (retried if a concurrent change beat it), one read of the other lines' SKUs."""
    client, table, key = db.client(), db.table(), cart_key(user_id)
    for _ in range(3):
        found = db.batch_get([sku_key(sku_id), key])
        raw_sku = found.get(db.key_of(sku_key(sku_id)))
        if raw_sku is None:
            raise NotFound("商品规格不存在。", code="sku_not_found")
        sku = db.from_item(raw_sku)
        if sku.get("product_status") != "on_sale":
            raise Conflict("该商品已下架。", code="off_shelf")
        raw_cart = found.get(db.key_of(key))
        lines: dict[str, Any] = db.from_item(raw_cart).get("lines", {}) if raw_cart else {}
        now = iso_from_epoch(now_epoch())
        line = lines.get(sku_id) or {"added_price": int(sku["price"]), "added_at": now}
        line = {**line, "quantity": quantity}
        names = {"#sku": sku_id, "#lines": "lines"}
        if sku_id in lines:
            written = db.update_if(Key=key, UpdateExpression="SET #lines.#sku.quantity = :q, updated_at = :now",
                                   ConditionExpression="attribute_exists(#lines.#sku)", ExpressionAttributeNames=names,
                                   ExpressionAttributeValues={":q": {"N": str(quantity)}, ":now": {"S": now}})
        elif raw_cart is not None:
            if len(lines) >= MAX_CART_LINES:
                raise Conflict(f"购物车最多放 {MAX_CART_LINES} 种商品。", code="cart_full")
            written = db.update_if(
                Key=key, UpdateExpression="SET #lines.#sku = :line, updated_at = :now",
                ConditionExpression="attribute_exists(#lines) AND attribute_not_exists(#lines.#sku) AND size(#lines) < :max",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={":line": db.to_value(line), ":now": {"S": now},
                                           ":max": {"N": str(MAX_CART_LINES)}})
        else:
            try:
                client.put_item(TableName=table, Item={**key, "type": {"S": "cart"}, "updated_at": {"S": now},
                                                       "lines": {"M": {sku_id: db.to_value(line)}}},
                                ConditionExpression="attribute_not_exists(PK)")
                written = True
            except Exception as exc:
                if not db.is_condition_failure(exc):
                    raise
                written = False
        if written:
            lines[sku_id] = line
            return _view(lines, _skus(list(lines), {sku_id: sku}))
    raise Conflict("购物车正在变化，请稍后重试。", code="cart_changed")


def remove(user_id: str, sku_id: str) -> Cart:
    """Remove a line; removing a line that is not there is not an error."""
    try:
        db.client().update_item(TableName=db.table(), Key=cart_key(user_id), UpdateExpression="REMOVE #lines.#sku",
                                ConditionExpression="attribute_exists(PK)",
                                ExpressionAttributeNames={"#sku": sku_id, "#lines": "lines"})
    except Exception as exc:
        if not db.is_condition_failure(exc):
            raise
    return get(user_id)
