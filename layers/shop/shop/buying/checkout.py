"""Pricing a checkout: the one place amounts are computed, for POST /orders/preview and
POST /orders alike. What it needs is read in one BatchGetItem (the SKUs - which carry their
product's title, category and status - the address, the pickup store, the freight template, the
buyer's profile, the coupons named in the request) plus, when the caller's coupons are to be
listed or chosen from, one Query of them; ``quote`` is a pure function of what was read.

Amounts are integers in fen: line amount = unit price x quantity; goods total = sum of available
lines; discount = the coupons' (shop.growth.coupons rules), at most the goods total; payable = goods total
+ freight - discount, so never below 0 and never above goods total + freight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop.growth import coupons
from shop.adapters import db
from shop.core.profile import profile_key
from shop.adapters.clock import now_epoch
from shop.adapters.config import setting_int
from shop.buying.models.checkout import CheckoutRequest, CouponOption, Problem, Quote, QuoteLine
from shop.buying.models.places import AddressSnapshot
from shop.buying.models.places import PickupStore
from shop.buying.shipping import FREIGHT_KEY, FreightTemplate, freight_from_item, pickup_key, store_from_item
from shop.buying import settings as shop_settings
from shop.catalog.skus import sku_key, stock_state


def address_key(user_id: str, address_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"ADDRESS#{address_id}"}}


def cart_key(user_id: str) -> dict[str, dict[str, str]]:
    """The buyer's cart item (shop.buying.cart's key; not imported from there, which would build the cart's
    response models in every checkout's cold start)."""
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "CART"}}


@dataclass
class CheckoutData:
    skus: dict[str, dict[str, Any] | None]
    address: dict[str, Any] | None
    store: PickupStore | None
    freight: FreightTemplate | None
    profile: dict[str, Any] | None
    coupons: dict[str, dict[str, Any] | None]  # the coupons named in the request
    held: list[dict[str, Any]] | None = None  # every coupon the buyer holds, when it was read
    bought: dict[str, int] | None = None  # units of each SKU the buyer already holds in orders
    cart_skus: set[str] | None = None  # the SKUs in the buyer's cart, when it was read
    rules: shop_settings.Rules | None = None  # the shop's order rules (read with the rest: docs/settings.md)


def bought_key(user_id: str, sku_id: str) -> dict[str, dict[str, str]]:
    """How many units of a SKU the buyer holds in unpaid and paid orders (for limit_per_buyer)."""
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"BOUGHT#{sku_id}"}}


def sku_label(sku: dict[str, Any]) -> str:
    """纯棉圆领短袖T恤（白色/M）: the product and the spec a shopper chose."""
    specs = "/".join(str(v) for v in (sku.get("specs") or {}).values())
    return f"{sku['title']}（{specs}）" if specs else str(sku["title"])


def max_per_order(sku: dict[str, Any], rules: shop_settings.Rules | None = None) -> int:
    return int(sku.get("max_per_order") or (rules.max_per_sku if rules else setting_int("ORDER_MAX_PER_SKU")))


def load(user_id: str, request: CheckoutRequest, *, with_profile: bool = False, with_held: bool = False) -> CheckoutData:
    keys = [sku_key(line.sku_id) for line in request.items] + [FREIGHT_KEY, shop_settings.SETTINGS_KEY]
    keys += [bought_key(user_id, line.sku_id) for line in request.items]
    keys += [coupons.coupon_key(user_id, c) for c in request.coupon_ids]
    if request.address_id:
        keys.append(address_key(user_id, request.address_id))
    if request.pickup_store_id:
        keys.append(pickup_key(request.pickup_store_id))
    if with_profile:
        keys.append(profile_key(user_id))
        keys.append(cart_key(user_id))  # placing the order takes its lines out of the cart
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
        cart_skus=set((db.from_item(c).get("lines") or {}) if (c := get(cart_key(user_id))) else ()) if with_profile else set(),
        bought={line.sku_id: int(i["units"]["N"]) if (i := get(bought_key(user_id, line.sku_id))) else 0
                for line in request.items},
        held=coupons.held(user_id) if with_held else None,
        rules=shop_settings.prime(get(shop_settings.SETTINGS_KEY)),
    )


def quote(request: CheckoutRequest, data: CheckoutData) -> Quote:
    problems: list[Problem] = []
    lines: list[QuoteLine] = []
    for line in request.items:
        sku = data.skus.get(line.sku_id)
        if sku is None:
            problems.append(Problem(code="sku_not_found", message="该商品已不存在。", sku_id=line.sku_id))
            lines.append(QuoteLine(sku_id=line.sku_id, product_id=None, title=None, unit_price=None,
                                   quantity=line.quantity, amount=0, available=False))
            continue
        stock = int(sku.get("stock", 0))
        available = True
        label = sku_label(sku)
        cap = max_per_order(sku, data.rules)
        limit = sku.get("limit_per_buyer")
        held = (data.bought or {}).get(line.sku_id, 0)
        if sku.get("product_status") != "on_sale":
            problems.append(Problem(code="off_shelf", message=f"{label}已下架。", sku_id=line.sku_id))
            available = False
        elif stock < line.quantity:
            code = "out_of_stock" if stock <= 0 else "insufficient_stock"
            message = f"{label}已售罄。" if stock <= 0 else f"{label}仅剩 {stock} 件。"
            problems.append(Problem(code=code, message=message, sku_id=line.sku_id, available=max(stock, 0)))
            available = False
        elif line.quantity > cap:
            problems.append(Problem(code="exceeds_max_per_order", message=f"{label}每单最多购买 {cap} 件。",
                                    sku_id=line.sku_id, limit=cap))
            available = False
        elif limit is not None and held + line.quantity > int(limit):
            problems.append(Problem(code="buyer_limit_reached",
                                    message=f"{label}每人限购 {int(limit)} 件，您已购买 {held} 件。",
                                    sku_id=line.sku_id, limit=int(limit), available=max(int(limit) - held, 0)))
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
            problems.append(Problem(code="address_required", message="请选择收货地址。"))
        elif data.address is None:
            problems.append(Problem(code="address_not_found", message="收货地址不存在。"))
        else:
            address = AddressSnapshot.model_validate(data.address)
            fee = data.freight.freight(address.province, goods_total, **_freight_units(data, lines)) if data.freight else 0
            if fee is None:
                problems.append(Problem(code="unreachable_region", message=f"{address.province}暂不配送。"))
            else:
                freight = fee
    elif not request.pickup_store_id:
        problems.append(Problem(code="pickup_store_required", message="请选择自提门店。"))
    elif data.store is None:
        problems.append(Problem(code="pickup_store_not_found", message="自提门店不存在。"))

    payable = max(goods_total + freight - discount, 0)
    return Quote(
        lines=lines, goods_total=goods_total, freight=freight, discount=discount, payable=payable,
        delivery=request.delivery, address=address, pickup_store=data.store if request.delivery == "pickup" else None,
        coupons=options, applied_coupon_ids=[c["coupon_id"] for c in chosen], problems=problems, orderable=not problems,
    )


def _freight_units(data: CheckoutData, lines: list[QuoteLine]) -> dict[str, int]:
    """What a weight or count freight template prices: the grams (each SKU's ``weight_grams``, 0 when
    it has none) and units of the lines that can be bought."""
    weight = count = 0
    for line in lines:
        if line.available:
            weight += int((data.skus.get(line.sku_id) or {}).get("weight_grams") or 0) * line.quantity
            count += line.quantity
    return {"weight_grams": weight, "count": count}


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
                problems.append(Problem(code="coupon_not_found", message="您没有这张优惠券。", coupon_id=coupon_id))
                continue
            discount, reason = coupons.evaluate(coupon, priced, now)
            if reason:
                problems.append(Problem(code=reason, message=f"{coupon['name']}不适用于本单。", coupon_id=coupon_id))
            else:
                chosen.append(coupon)
        combination = coupons.combination_problem(chosen)
        if combination:
            problems.append(Problem(code=combination, message="这些优惠券不能同时使用。"))
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
