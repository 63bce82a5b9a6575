"""The catalog as shoppers read it: categories, product lists and product detail. Every read is
one DynamoDB request. Writes (merchant side, seeding) are in shop.catalog.admin, so the read
functions do not build its models at cold start.

Items in the shop table (docs/data-model.md has the full table):
  PK=CATALOG        SK=CATEGORY#<id>          a category
  PK=PRODUCT#<id>   SK=META                   a product
  PK=PRODUCT#<id>   SK=SKU#<sku_id>           a SKU: specs, price, stock
  PK=PRODUCT#<id>   SK=STOCKLOG#<sku>#<ns>#<r>  a move of a SKU's stock (shop.catalog.ledger)
  PK=SKUCODES       SK=SHARD#<n>              the shop's SKU codes (shop.catalog.manage)
  PK=PRODUCT#<id>   SK=LISTING#<scope>        a listing entry for an on-sale product, scope ALL or
                                              CAT#<category_id>; it carries the product summary,
                                              the search text and one rank per sort, indexed by
                                              the ListingBy* GSIs (partition ``listing`` = scope)
"""

from __future__ import annotations

import re
from typing import Any, Literal

from shop.adapters import db
from shop.core import pagination
from shop.core.errors import NotFound
from shop.catalog.models import Category, ProductDetail, ProductPage, ProductSummary, Sku
from shop.catalog.skus import SKU_ID_PATTERN, sku_key, stock_state  # noqa: F401 - SKU_ID_PATTERN re-exported

Sort = Literal["default", "sales", "price_asc", "price_desc", "new"]
# sort -> (index, rank attribute, ascending)
SORTS: dict[str, tuple[str, str, bool]] = {
    "default": ("ListingByDefault", "rank_default", False),
    "sales": ("ListingBySales", "rank_sales", False),
    "price_asc": ("ListingByPrice", "rank_price", True),
    "price_desc": ("ListingByPrice", "rank_price", False),
    "new": ("ListingByNew", "rank_new", False),
}
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
# While searching, one Query examines at most this many listing entries (one round trip);
# the page then holds the matches among them.
SEARCH_WINDOW = 200
MAX_SEARCH_TERMS = 5
SUMMARY_FIELDS = (
    "id",
    "title",
    "subtitle",
    "category_id",
    "cover_url",
    "price_min",
    "price_max",
    "original_price",
    "sales",
    "tags",
    "created_at",
)
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_ID_RE = re.compile(ID_PATTERN)



# ---------------------------------------------------------------- reads


def list_categories() -> list[Category]:
    resp = db.client().query(
        TableName=db.table(),
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues={":pk": {"S": "CATALOG"}, ":sk": {"S": "CATEGORY#"}},
    )
    # a hidden category (the merchant's 隐藏) is not offered to shoppers
    categories = [Category.model_validate(item) for item in map(db.from_item, resp.get("Items", [])) if not item.get("hidden")]
    return sorted(categories, key=lambda c: (c.sort, c.id))


def normalize_search(text: str) -> str:
    return " ".join(text.lower().split())


def _scope(category: str | None) -> str:
    return f"CAT#{category}" if category else "ALL"


def _start_key(cursor: str, *, sort: str, category: str | None, q: str | None) -> dict[str, Any]:
    payload = pagination.decode(cursor)
    if (payload.get("s"), payload.get("c"), payload.get("q")) != (sort, category or "", q or ""):
        raise pagination.invalid_cursor()
    product_id, rank = payload.get("p"), payload.get("r")
    if not isinstance(product_id, str) or not _ID_RE.match(product_id):
        raise pagination.invalid_cursor()
    if not isinstance(rank, int) or isinstance(rank, bool) or not 0 <= rank < 10**30:
        raise pagination.invalid_cursor()
    scope = _scope(category)
    return {
        "PK": {"S": f"PRODUCT#{product_id}"},
        "SK": {"S": f"LISTING#{scope}"},
        "listing": {"S": scope},
        SORTS[sort][1]: {"N": str(rank)},
    }


def _cursor_after(item: dict[str, Any], *, sort: str, category: str | None, q: str | None) -> str:
    rank_attr = SORTS[sort][1]
    return pagination.encode(
        {
            "s": sort,
            "c": category or "",
            "q": q or "",
            "p": item["PK"]["S"].removeprefix("PRODUCT#"),
            "r": int(item[rank_attr]["N"]),
        }
    )


def list_products(
    *, category: str | None = None, q: str | None = None, sort: str = "default", cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> ProductPage:
    """One Query on the listing index of ``sort``. Without a search the page is exactly ``limit``
    items while more exist; with a search the Query examines up to SEARCH_WINDOW entries and the
    page holds the matches among them."""
    index, rank_attr, ascending = SORTS[sort]
    q = normalize_search(q) if q else None
    scope = _scope(category)
    params: dict[str, Any] = {
        "TableName": db.table(),
        "IndexName": index,
        "KeyConditionExpression": "listing = :scope",
        "ExpressionAttributeValues": {":scope": {"S": scope}},
        "ScanIndexForward": ascending,
    }
    if cursor:
        params["ExclusiveStartKey"] = _start_key(cursor, sort=sort, category=category, q=q)
    if q:
        terms = q.split(" ")[:MAX_SEARCH_TERMS]
        params["FilterExpression"] = " AND ".join(f"contains(#search, :t{i})" for i in range(len(terms)))
        params["ExpressionAttributeNames"] = {"#search": "search"}
        params["ExpressionAttributeValues"].update({f":t{i}": {"S": t} for i, t in enumerate(terms)})
        params["Limit"] = SEARCH_WINDOW
    else:
        params["Limit"] = limit + 1  # one extra item tells whether a next page exists
    resp = db.client().query(**params)
    items = resp.get("Items", [])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = _cursor_after(items[-1], sort=sort, category=category, q=q)
    elif q and "LastEvaluatedKey" in resp:
        next_cursor = _cursor_after(resp["LastEvaluatedKey"], sort=sort, category=category, q=q)
    summaries = [ProductSummary.model_validate(_summary(db.from_item(i))) for i in items]
    return ProductPage(items=summaries, next_cursor=next_cursor)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in SUMMARY_FIELDS if data.get(k) is not None}


def get_product(product_id: str) -> ProductDetail:
    """The product with its SKUs: one Query over the product's item collection (META and SKU#*,
    not the listing entries, which sort before META)."""
    resp = db.client().query(
        TableName=db.table(),
        KeyConditionExpression="PK = :pk AND SK BETWEEN :meta AND :end",  # not the stock ledger (STOCKLOG#)
        ExpressionAttributeValues={":pk": {"S": f"PRODUCT#{product_id}"}, ":meta": {"S": "META"}, ":end": {"S": "SKU$"}},
    )
    meta: dict[str, Any] | None = None
    skus: list[dict[str, Any]] = []
    for raw in resp.get("Items", []):
        item = db.from_item(raw)
        if item["SK"] == "META":
            meta = item
        elif item["SK"].startswith("SKU#") and item.get("product_status") != "retired":  # removed from the matrix
            skus.append(item)
    if meta is None or meta.get("status") != "on_sale":
        raise NotFound("No such product.", code="product_not_found")
    sku_models = [
        Sku(
            id=s["sku_id"],
            specs=s.get("specs", {}),
            price=s["price"],
            original_price=s.get("original_price"),
            stock=max(s.get("stock", 0), 0),
            stock_state=stock_state(s.get("stock", 0)),
            image_url=s.get("image_url"),
        )
        for s in sorted(skus, key=lambda s: s.get("position", 0))
    ]
    states = {s.stock_state for s in sku_models}
    overall = "in_stock" if "in_stock" in states else "low_stock" if "low_stock" in states else "out_of_stock"
    return ProductDetail(
        **_summary(meta),
        images=meta.get("images", []),
        video=meta.get("video"),
        specs=meta.get("specs", []),
        skus=sku_models,
        detail=meta.get("detail", []),
        stock_state=overall,
    )
