"""The buyer's cart: one item per buyer (PK=USER#<id> SK=CART) holding a map SKU id -> line, so a
line is added, changed or removed by one conditional write and the line limit holds exactly. Each
line keeps the price it was added at; reading the cart joins today's price and stock from the SKU
items (one BatchGetItem), so a price change since adding is visible."""

from __future__ import annotations

from typing import Any

from shop import checkout, db
from shop.catalog import sku_key
from shop.clock import iso_from_epoch, now_epoch
from shop.errors import Conflict, NotFound
from shop.models.cart import MAX_CART_LINES, Cart, CartLine
from shop.models.catalog import stock_state


def cart_key(user_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "CART"}}


def get(user_id: str) -> Cart:
    resp = db.client().get_item(TableName=db.table(), Key=cart_key(user_id), ConsistentRead=True)
    lines: dict[str, Any] = db.from_item(resp["Item"]).get("lines", {}) if "Item" in resp else {}
    found = checkout.batch_get([sku_key(sku_id) for sku_id in lines]) if lines else {}
    items = []
    for sku_id, line in sorted(lines.items(), key=lambda kv: kv[1]["added_at"], reverse=True):
        raw = found.get((sku_key(sku_id)["PK"]["S"], sku_key(sku_id)["SK"]["S"]))
        sku = db.from_item(raw) if raw else None
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


def put(user_id: str, sku_id: str, quantity: int) -> Cart:
    """Set a line's quantity, adding the line if it is new."""
    resp = db.client().get_item(TableName=db.table(), Key=sku_key(sku_id))
    if "Item" not in resp:
        raise NotFound("No such SKU.", code="sku_not_found")
    sku = db.from_item(resp["Item"])
    if sku.get("product_status") != "on_sale":
        raise Conflict("This item is no longer on sale.", code="off_shelf")
    now = iso_from_epoch(now_epoch())
    names = {"#sku": sku_id, "#lines": "lines"}
    new_line = db.to_value({"quantity": quantity, "added_price": int(sku["price"]), "added_at": now})
    client, table, key = db.client(), db.table(), cart_key(user_id)
    for _ in range(3):
        try:  # the line exists: change its quantity
            client.update_item(TableName=table, Key=key, UpdateExpression="SET #lines.#sku.quantity = :q, updated_at = :now",
                               ConditionExpression="attribute_exists(#lines.#sku)", ExpressionAttributeNames=names,
                               ExpressionAttributeValues={":q": {"N": str(quantity)}, ":now": {"S": now}})
            return get(user_id)
        except Exception as exc:
            if not db.is_condition_failure(exc):
                raise
        try:  # a new line in an existing cart, within the limit
            client.update_item(TableName=table, Key=key, UpdateExpression="SET #lines.#sku = :line, updated_at = :now",
                               ConditionExpression="attribute_exists(#lines) AND attribute_not_exists(#lines.#sku) "
                                                   "AND size(#lines) < :max",
                               ExpressionAttributeNames=names,
                               ExpressionAttributeValues={":line": new_line, ":now": {"S": now},
                                                          ":max": {"N": str(MAX_CART_LINES)}})
            return get(user_id)
        except Exception as exc:
            if not db.is_condition_failure(exc):
                raise
        try:  # no cart yet
            client.put_item(TableName=table, Item={**key, "type": {"S": "cart"}, "updated_at": {"S": now},
                                                   "lines": {"M": {sku_id: new_line}}},
                            ConditionExpression="attribute_not_exists(PK)")
            return get(user_id)
        except Exception as exc:
            if not db.is_condition_failure(exc):
                raise
        current = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        if current and len(current.get("lines", {}).get("M", {})) >= MAX_CART_LINES \
                and sku_id not in current["lines"]["M"]:
            raise Conflict(f"A cart holds at most {MAX_CART_LINES} different items.", code="cart_full")
    raise Conflict("The cart is changing too fast; try again.", code="cart_changed")


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
