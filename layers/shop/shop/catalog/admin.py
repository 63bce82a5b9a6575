"""Catalog writes, for the merchant side and for seeding: the input models and the items that
represent a product (META, SKUs, listing entries; see shop.catalog for the key design)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from shop.adapters import db
from shop.catalog.products import ID_PATTERN, SKU_ID_PATTERN, normalize_search
from shop.adapters.clock import iso, now_utc
from shop.core.errors import InvalidRequest
from shop.catalog.models import DetailBlock, SpecDimension, Video
from shop.core.models import TextChecked
from shop.core.money import Fen


class CategoryInput(TextChecked):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=20)
    icon_url: str | None = None
    sort: int = Field(default=0, ge=0, le=100_000)


class SkuInput(TextChecked):
    id: str = Field(pattern=SKU_ID_PATTERN, description="<product id>.<variant>")
    specs: dict[str, str]
    price: Fen
    original_price: Fen | None = None
    stock: int = Field(ge=0, le=10_000_000)
    image_url: str | None = None
    max_per_order: int | None = Field(default=None, ge=1, le=999, description="Units of this SKU one order may "
                                      "hold; unset: ORDER_MAX_PER_SKU (20)")
    limit_per_buyer: int | None = Field(default=None, ge=1, le=999, description="Units one buyer may hold in "
                                        "unpaid and paid orders together (限购); unset: no limit")


class ProductInput(TextChecked):
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
            if not sku.id.startswith(f"{self.id}."):
                raise ValueError(f"SKU {sku.id} must be named {self.id}.<variant>")
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
            # what catalog management (shop.catalog.manage) reads back: version, the matrix, its indexes
            "version": 1,
            "matrix": [{"id": s.id, "specs": s.specs, "code": None, "price": s.price} for s in product.skus],
            "retired": [],
            "admin_search": normalize_search(" ".join([product.title, product.subtitle or "", category_name,
                                                       *product.tags, product.id])),
            "gsi1pk": "ADMIN_PRODUCTS", "gsi1sk": f"{_epoch_ms(created_at):013d}#{product.id}",
            "gsi2pk": f"ADMIN_PRODUCTS#{product.status}", "gsi2sk": f"{_epoch_ms(created_at):013d}#{product.id}",
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
                # what a cart line or an order needs, so they read the SKU item alone
                "title": product.title,
                "category_id": product.category_id,
                "cover_url": sku.image_url or product.images[0],
                "product_status": product.status,
                "sold": 0,
                "stock_opening": sku.stock,  # the stock ledger's opening balance (shop.catalog.ledger)
                **sku.model_dump(exclude={"id", "max_per_order", "limit_per_buyer"}),
                **sku.model_dump(include={"max_per_order", "limit_per_buyer"}, exclude_none=True),
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
    keep = {i["SK"] for i in items} | {k["SK"]["S"] for k in existing if k["SK"]["S"].startswith("STOCKLOG#")}
    ops: list[dict[str, Any]] = [{"Put": {"TableName": db.table(), "Item": db.to_item(i)}} for i in items]
    ops += [{"Delete": {"TableName": db.table(), "Key": key}} for key in existing if key["SK"]["S"] not in keep]
    if len(ops) > 100:
        raise InvalidRequest("A product can have at most 90 SKUs.")
    client.transact_write_items(TransactItems=ops)


def load_products(products: list[tuple[ProductInput, str]]) -> int:
    """Bulk-load products (with their category names) into a catalog that does not have them yet:
    BatchWriteItem, 25 items a request, not one transaction per product. For seeding and imports;
    changing a live product goes through put_product."""
    items = [db.to_item(i) for product, category_name in products for i in product_items(product, category_name)]
    client, table = db.client(), db.table()
    for start in range(0, len(items), 25):
        pending: dict[str, Any] = {table: [{"PutRequest": {"Item": i}} for i in items[start:start + 25]]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(items)
