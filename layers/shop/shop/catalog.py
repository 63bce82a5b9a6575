"""The catalog: categories, products, SKUs and the listing entries that make every sort of
GET /products a single DynamoDB Query.

Items in the shop table (docs/data-model.md has the full table):
  PK=CATALOG        SK=CATEGORY#<id>          a category
  PK=PRODUCT#<id>   SK=META                   a product
  PK=PRODUCT#<id>   SK=SKU#<sku_id>           a SKU: specs, price, stock
  PK=PRODUCT#<id>   SK=LISTING#<scope>        a listing entry for an on-sale product, scope ALL or
                                              CAT#<category_id>; it carries the product summary,
                                              the search text and one rank per sort, indexed by
                                              the ListingBy* GSIs (partition ``listing`` = scope)
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from shop import db, pagination
from shop.clock import iso, now_utc
from shop.errors import InvalidRequest, NotFound
from shop.models.catalog import (
    Category,
    DetailBlock,
    ProductDetail,
    ProductPage,
    ProductSummary,
    Sku,
    SpecDimension,
    Video,
    stock_state,
)
from shop.money import Fen

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
    categories = [Category.model_validate(db.from_item(i)) for i in resp.get("Items", [])]
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
        KeyConditionExpression="PK = :pk AND SK >= :meta",
        ExpressionAttributeValues={":pk": {"S": f"PRODUCT#{product_id}"}, ":meta": {"S": "META"}},
    )
    meta: dict[str, Any] | None = None
    skus: list[dict[str, Any]] = []
    for raw in resp.get("Items", []):
        item = db.from_item(raw)
        if item["SK"] == "META":
            meta = item
        elif item["SK"].startswith("SKU#"):
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


# ---------------------------------------------------------------- writes (merchant side, seeding)


class CategoryInput(BaseModel):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=20)
    icon_url: str | None = None
    sort: int = Field(default=0, ge=0, le=100_000)


class SkuInput(BaseModel):
    id: str = Field(pattern=ID_PATTERN)
    specs: dict[str, str]
    price: Fen
    original_price: Fen | None = None
    stock: int = Field(ge=0, le=10_000_000)
    image_url: str | None = None


class ProductInput(BaseModel):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=60)
    subtitle: str | None = Field(default=None, max_length=120)
    category_id: str = Field(pattern=ID_PATTERN)
    images: list[str] = Field(min_length=1, max_length=9)
    video: Video | None = None
    specs: list[SpecDimension] = Field(max_length=3)
    skus: list[SkuInput] = Field(min_length=1, max_length=90)
    detail: list[DetailBlock] = []
    tags: list[str] = Field(default=[], max_length=10)
    sort_weight: int = Field(default=0, ge=0, le=1_000_000)
    sales: int = Field(default=0, ge=0)
    status: Literal["on_sale", "off_shelf"] = "on_sale"
    created_at: str | None = None

    @model_validator(mode="after")
    def _skus_match_specs(self) -> ProductInput:
        names = [d.name for d in self.specs]
        seen = set()
        for sku in self.skus:
            if list(sku.specs) != names:
                raise ValueError(f"SKU {sku.id} must name exactly the specs {names} in order")
            for dim in self.specs:
                if sku.specs[dim.name] not in dim.values:
                    raise ValueError(f"SKU {sku.id}: {sku.specs[dim.name]!r} is not a value of {dim.name}")
            combo = tuple(sku.specs.values())
            if combo in seen:
                raise ValueError(f"two SKUs share the specs {combo}")
            seen.add(combo)
        return self


def put_category(category: CategoryInput) -> None:
    db.client().put_item(
        TableName=db.table(),
        Item=db.to_item({"PK": "CATALOG", "SK": f"CATEGORY#{category.id}", "type": "category", **category.model_dump()}),
    )


def _epoch_ms(created_at: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp() * 1000)


def product_items(product: ProductInput, category_name: str = "") -> list[dict[str, Any]]:
    """Every item that represents ``product``: META, one per SKU, and (when on sale) its listing
    entries."""
    created_at = product.created_at or iso(now_utc())
    prices = [s.price for s in product.skus]
    originals = [s.original_price for s in product.skus if s.original_price is not None]
    summary = {
        "id": product.id,
        "title": product.title,
        "subtitle": product.subtitle,
        "category_id": product.category_id,
        "cover_url": product.images[0],
        "price_min": min(prices),
        "price_max": max(prices),
        "original_price": max(originals) if originals else None,
        "sales": product.sales,
        "tags": product.tags,
        "created_at": created_at,
    }
    pk = f"PRODUCT#{product.id}"
    items: list[dict[str, Any]] = [
        {
            "PK": pk,
            "SK": "META",
            "type": "product",
            **summary,
            "images": product.images,
            "video": product.video.model_dump(exclude_none=True) if product.video else None,
            "specs": [d.model_dump() for d in product.specs],
            "detail": [b.model_dump(exclude_none=True) for b in product.detail],
            "sort_weight": product.sort_weight,
            "status": product.status,
            "updated_at": iso(now_utc()),
        }
    ]
    for position, sku in enumerate(product.skus):
        items.append(
            {
                "PK": pk,
                "SK": f"SKU#{sku.id}",
                "type": "sku",
                "sku_id": sku.id,
                "product_id": product.id,
                "position": position,
                **sku.model_dump(exclude={"id"}),
            }
        )
    if product.status == "on_sale":
        created_ms = _epoch_ms(created_at)
        search = normalize_search(" ".join([product.title, product.subtitle or "", category_name, *product.tags]))
        for scope in ("ALL", f"CAT#{product.category_id}"):
            items.append(
                {
                    "PK": pk,
                    "SK": f"LISTING#{scope}",
                    "type": "listing",
                    "listing": scope,
                    **summary,
                    "search": search,
                    "rank_default": product.sort_weight * 10**13 + created_ms,
                    "rank_sales": product.sales,
                    "rank_price": summary["price_min"],
                    "rank_new": created_ms,
                }
            )
    return items


def put_product(product: ProductInput, category_name: str = "") -> None:
    """Create or replace a product atomically: its items are written, and items of its previous
    version that no longer exist (removed SKUs, an old category's listing entry) are deleted, in one
    transaction. Stock is set to the given values, so this is for creating and seeding; stock of a
    live product changes through orders (conditional updates), not through this."""
    if product.category_id and not category_name:
        raise InvalidRequest("category_name is needed to index the product for search")
    client = db.client()
    items = product_items(product, category_name)
    existing = client.query(
        TableName=db.table(),
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"PRODUCT#{product.id}"}},
        ProjectionExpression="PK, SK",
    ).get("Items", [])
    keep = {i["SK"] for i in items}
    ops: list[dict[str, Any]] = [{"Put": {"TableName": db.table(), "Item": db.to_item(i)}} for i in items]
    ops += [{"Delete": {"TableName": db.table(), "Key": key}} for key in existing if key["SK"]["S"] not in keep]
    if len(ops) > 100:
        raise InvalidRequest("A product can have at most 90 SKUs.")
    client.transact_write_items(TransactItems=ops)
