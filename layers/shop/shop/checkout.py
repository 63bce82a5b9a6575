"""Pricing a checkout: the one place amounts are computed, for POST /orders/preview and
POST /orders alike. What it needs is read in one BatchGetItem (the SKUs - which carry their
product's title, category and status - the address, the pickup store, the freight template, the
buyer's profile, the coupons named in the request) plus, when the caller's coupons are to be
listed or chosen from, one Query of them; ``quote`` is a pure function of what was read.

Amounts are integers in fen: line amount = unit price x quantity; goods total = sum of available
lines; discount = the coupons' (shop.coupons rules), at most the goods total; payable = goods total
+ freight - discount, so never below 0 and never above goods total + freight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop import coupons, db
from shop.clock import now_epoch
from shop.models.checkout import CheckoutRequest, CouponOption, Problem, Quote, QuoteLine
from shop.models.places import AddressSnapshot
from shop.models.places import PickupStore
from shop.shipping import FREIGHT_KEY, FreightTemplate, freight_from_item, pickup_key, store_from_item
from shop.skus import sku_key, stock_state


def address_key(user_id: str, address_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"ADDRESS#{address_id}"}}


def profile_key(user_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "PROFILE"}}


@dataclass
class CheckoutData:
    skus: dict[str, dict[str, Any] | None]
    address: dict[str, Any] | None
    store: PickupStore | None
    freight: FreightTemplate | None
    profile: dict[str, Any] | None
    coupons: dict[str, dict[str, Any] | None]  # the coupons named in the request
    held: list[dict[str, Any]] | None = None  # every coupon the buyer holds, when it was read


def load(user_id: str, request: CheckoutRequest, *, with_profile: bool = False, with_held: bool = False) -> CheckoutData:
    keys = [sku_key(line.sku_id) for line in request.items] + [FREIGHT_KEY]
    keys += [coupons.coupon_key(user_id, c) for c in request.coupon_ids]
    if request.address_id:
        keys.append(address_key(user_id, request.address_id))
    if request.pickup_store_id:
        keys.append(pickup_key(request.pickup_store_id))
    if with_profile:
        keys.append(profile_key(user_id))
    found = db.batch_get(keys)

    def get(key: dict[str, dict[str, str]]) -> dict[str, Any] | None:
        return found.get(db.key_of(key))

    raw_address = get(address_key(user_id, request.address_id)) if request.address_id else None
    raw_profile = get(profile_key(user_id)) if with_profile else None
    return CheckoutData(
        skus={line.sku_id: (db.from_item(i) if (i := get(sku_key(line.sku_id))) else None) for line in request.items},
        address=db.from_item(raw_address) if raw_address else None,
        store=store_from_item(get(pickup_key(request.pickup_store_id))) if request.pickup_store_id else None,
        freight=freight_from_item(get(FREIGHT_KEY)),
        profile=db.from_item(raw_profile) if raw_profile else None,
        coupons={c: (db.from_item(i) if (i := get(coupons.coupon_key(user_id, c))) else None) for c in request.coupon_ids},
        held=coupons.held(user_id) if with_held else None,
    )


def quote(request: CheckoutRequest, data: CheckoutData) -> Quote:
    problems: list[Problem] = []
    lines: list[QuoteLine] = []
    for line in request.items:
        sku = data.skus.get(line.sku_id)
        if sku is None:
            problems.append(Problem(code="sku_not_found", message="This item no longer exists.", sku_id=line.sku_id))
            lines.append(QuoteLine(sku_id=line.sku_id, product_id=None, title=None, unit_price=None,
                                   quantity=line.quantity, amount=0, available=False))
            continue
        stock = int(sku.get("stock", 0))
        available = True
        if sku.get("product_status") != "on_sale":
            problems.append(Problem(code="off_shelf", message=f"{sku['title']} is no longer on sale.", sku_id=line.sku_id))
            available = False
        elif stock < line.quantity:
            code = "out_of_stock" if stock <= 0 else "insufficient_stock"
            message = f"{sku['title']} is sold out." if stock <= 0 else f"Only {stock} of {sku['title']} left."
            problems.append(Problem(code=code, message=message, sku_id=line.sku_id, available=max(stock, 0)))
            available = False
        price = int(sku["price"])
        lines.append(QuoteLine(
            sku_id=line.sku_id, product_id=sku["product_id"], title=sku["title"], specs=sku.get("specs", {}),
            image_url=sku.get("cover_url"), unit_price=price, quantity=line.quantity,
            amount=price * line.quantity if available else 0, stock_state=stock_state(stock), available=available,
        ))
    goods_total = sum(line.amount for line in lines)
    priced = [coupons.PricedLine(sku_id=line.sku_id, product_id=line.product_id or "",
                                 category_id=(data.skus.get(line.sku_id) or {}).get("category_id"), amount=line.amount)
              for line in lines]
    chosen, options = _coupons(request, data, priced, problems)
    discount = 0
    if chosen:
        shares = coupons.allocate(chosen, priced, now_epoch())
        lines = [line.model_copy(update={"discount": share}) for line, share in zip(lines, shares, strict=True)]
        discount = sum(shares)

    freight = 0
    address = None
    if request.delivery == "express":
        if not request.address_id:
            problems.append(Problem(code="address_required", message="Choose a delivery address."))
        elif data.address is None:
            problems.append(Problem(code="address_not_found", message="That address does not exist."))
        else:
            address = AddressSnapshot.model_validate(data.address)
            fee = data.freight.freight(address.province, goods_total) if data.freight else 0
            if fee is None:
                problems.append(Problem(code="unreachable_region", message=f"We do not deliver to {address.province}."))
            else:
                freight = fee
    elif not request.pickup_store_id:
        problems.append(Problem(code="pickup_store_required", message="Choose a pickup store."))
    elif data.store is None:
        problems.append(Problem(code="pickup_store_not_found", message="That pickup store does not exist."))

    payable = max(goods_total + freight - discount, 0)
    return Quote(
        lines=lines, goods_total=goods_total, freight=freight, discount=discount, payable=payable,
        delivery=request.delivery, address=address, pickup_store=data.store if request.delivery == "pickup" else None,
        coupons=options, applied_coupon_ids=[c["coupon_id"] for c in chosen], problems=problems, orderable=not problems,
    )


def _coupons(request: CheckoutRequest, data: CheckoutData, priced: list[coupons.PricedLine],
             problems: list[Problem]) -> tuple[list[dict[str, Any]], list[CouponOption]]:
    """The coupons this checkout applies (those asked for, or the best allowed combination when the
    caller lets the server choose), and how each coupon the caller holds would apply."""
    now = now_epoch()
    chosen: list[dict[str, Any]] = []
    if request.coupon_ids:
        for coupon_id in request.coupon_ids:
            coupon = data.coupons.get(coupon_id)
            if coupon is None:
                problems.append(Problem(code="coupon_not_found", message="You do not hold this coupon.", coupon_id=coupon_id))
                continue
            discount, reason = coupons.evaluate(coupon, priced, now)
            if reason:
                problems.append(Problem(code=reason, message=f"{coupon['name']} cannot be used here.", coupon_id=coupon_id))
            else:
                chosen.append(coupon)
        combination = coupons.combination_problem(chosen)
        if combination:
            problems.append(Problem(code=combination, message="These coupons cannot be used together."))
    elif request.best_coupons and data.held is not None:
        chosen = coupons.best(data.held, priced, now)
    options = []
    chosen_ids = {c["coupon_id"] for c in chosen}
    for coupon in data.held or []:
        if coupons.status_of(coupon, now) in ("used", "expired"):
            continue
        discount, reason = coupons.evaluate(coupon, priced, now)
        options.append(CouponOption(id=coupon["coupon_id"], template_id=coupon["template_id"], name=coupon["name"],
                                    description=coupons.describe(coupon), discount=discount, applicable=reason is None,
                                    reason=reason, selected=coupon["coupon_id"] in chosen_ids))
    options.sort(key=lambda o: (not o.selected, not o.applicable, -o.discount))
    return chosen, options
