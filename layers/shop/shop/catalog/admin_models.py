"""Request and response models of catalog management under /admin (docs/catalog.md)."""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from shop.catalog.models import Category, DetailBlock, SpecDimension, Video
from shop.core.models import MULTILINE, RequestModel
from shop.core.money import Fen

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
VARIANT_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"
SKU_CODE_PATTERN = r"^[A-Za-z0-9._-]{1,32}$"
MAX_SKUS = 90
MAX_CATEGORIES = 99
# Characters the CSV format uses to separate spec axes and values.
SPEC_RESERVED = set(";:|=")


def https_url(value: str) -> str:
    """An https URL, or one under the shop's own media address (MEDIA_BASE_URL: the CDN in AWS, the
    local stack's S3 in dev, which is plain http)."""
    import os

    own = os.environ.get("MEDIA_BASE_URL", "").rstrip("/")
    mine = bool(own) and value.startswith(own + "/") and len(value) > len(own) + 1
    if not (mine or value.startswith("https://")) or len(value) > 1000 or " " in value or len(value) <= len("https://"):
        raise ValueError("必须是 https:// 开头的图片或视频地址")
    return value


HttpsUrl = Annotated[str, AfterValidator(https_url)]


def _spec_text(value: str) -> str:
    if not value or len(value) > 20 or SPEC_RESERVED & set(value):
        raise ValueError("规格名和规格值为 1-20 个字，不能含 ; : | =")
    return value


SpecText = Annotated[str, AfterValidator(_spec_text)]


class AdminVideo(RequestModel):
    url: HttpsUrl
    cover_url: HttpsUrl | None = None
    duration_seconds: int | None = Field(default=None, ge=1, le=600)


class AdminDetailBlock(RequestModel):
    type: Literal["text", "image"]
    text: Annotated[str | None, MULTILINE] = Field(default=None, max_length=2000)
    url: HttpsUrl | None = None
    width: int | None = Field(default=None, ge=1, le=10_000)
    height: int | None = Field(default=None, ge=1, le=10_000)

    @model_validator(mode="after")
    def _filled(self) -> AdminDetailBlock:
        if self.type == "text" and not self.text:
            raise ValueError("文字块需要 text")
        if self.type == "image" and not self.url:
            raise ValueError("图片块需要 url")
        return self


class AdminSpec(RequestModel):
    name: SpecText
    values: list[SpecText] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _distinct(self) -> AdminSpec:
        if len(set(self.values)) != len(self.values):
            raise ValueError(f"规格 {self.name} 的值重复")
        return self


class AdminSkuInput(RequestModel):
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,32}$",
                           description="<product id>.<variant>; leave out for a new SKU (an existing SKU "
                                       "with the same specs keeps its id)")
    specs: dict[str, str]
    price: Fen = Field(ge=1)
    original_price: Fen | None = Field(default=None, ge=1, description="划线价; at least the price")
    stock: int = Field(default=0, ge=0, le=10_000_000, description="Opening stock of a SKU this save creates; "
                       "ignored for an existing SKU (its stock changes through POST /admin/skus/{id}/stock)")
    code: str | None = Field(default=None, pattern=SKU_CODE_PATTERN, description="SKU code, unique in the shop")
    image_url: HttpsUrl | None = None
    max_per_order: int | None = Field(default=None, ge=1, le=999)
    limit_per_buyer: int | None = Field(default=None, ge=1, le=999)
    weight_grams: int = Field(default=0, ge=0, le=1_000_000, description="Weight in grams, for freight templates "
                              "by weight (按重量计费); 0 when unknown")

    @model_validator(mode="after")
    def _prices(self) -> AdminSkuInput:
        if self.original_price is not None and self.original_price < self.price:
            raise ValueError("划线价不能低于售价")
        return self


class ProductBody(RequestModel):
    """A product as the merchant edits it: everything but its stock (stock moves are ledgered)."""

    title: str = Field(min_length=1, max_length=60)
    subtitle: str | None = Field(default=None, max_length=120)
    category_id: str = Field(pattern=ID_PATTERN)
    images: list[HttpsUrl] = Field(min_length=1, max_length=9)
    video: AdminVideo | None = None
    detail: list[AdminDetailBlock] = Field(default=[], max_length=50)
    specs: list[AdminSpec] = Field(min_length=1, max_length=3, description="Spec axes, e.g. 颜色 × 尺码 (at most 3)")
    skus: list[AdminSkuInput] = Field(min_length=1, max_length=MAX_SKUS,
                                      description="The SKU matrix: every combination of the spec values exactly once")
    tags: list[Annotated[str, Field(min_length=1, max_length=10)]] = Field(default=[], max_length=10)
    sort_weight: int = Field(default=0, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _matrix(self) -> ProductBody:
        names = [d.name for d in self.specs]
        if len(set(names)) != len(names):
            raise ValueError("规格名重复")
        combos = set(itertools.product(*[d.values for d in self.specs]))
        if len(combos) > MAX_SKUS:
            raise ValueError(f"规格组合最多 {MAX_SKUS} 个，现在是 {len(combos)} 个")
        seen: set[tuple[str, ...]] = set()
        for sku in self.skus:
            if set(sku.specs) != set(names):
                raise ValueError(f"每个 SKU 都要给出规格 {'、'.join(names)}")
            combo = tuple(sku.specs[n] for n in names)
            if combo not in combos:
                raise ValueError(f"规格组合 {'/'.join(combo)} 不在规格值里")
            if combo in seen:
                raise ValueError(f"规格组合 {'/'.join(combo)} 出现了两次")
            seen.add(combo)
        missing = combos - seen
        if missing:
            raise ValueError("缺少规格组合：" + "、".join("/".join(c) for c in sorted(missing)[:5]))
        codes = [s.code for s in self.skus if s.code]
        if len(set(codes)) != len(codes):
            raise ValueError("SKU 编码在本商品内重复")
        ids = [s.id for s in self.skus if s.id]
        if len(set(ids)) != len(ids):
            raise ValueError("SKU id 重复")
        return self


class ProductCreate(ProductBody):
    id: str | None = Field(default=None, pattern=ID_PATTERN, description="Leave out to have one generated")
    status: Literal["on_sale", "off_shelf"] = "off_shelf"


class ProductUpdate(ProductBody):
    version: int = Field(ge=1, description="The version read (GET); a stale version is 409 version_conflict")


class VersionBody(RequestModel):
    version: int | None = Field(default=None, ge=1, description="If given, the change applies only to this version")


class AdminSku(BaseModel):
    id: str
    specs: dict[str, str]
    price: Fen
    original_price: Fen | None = None
    stock: int = Field(description="Units still sellable (unpaid orders have already taken theirs)")
    sold: int = 0
    code: str | None = None
    image_url: str | None = None
    max_per_order: int | None = None
    limit_per_buyer: int | None = None
    weight_grams: int = 0


class AdminProduct(BaseModel):
    id: str
    title: str
    subtitle: str | None = None
    category_id: str
    images: list[str]
    video: Video | None = None
    detail: list[DetailBlock] = []
    specs: list[SpecDimension]
    skus: list[AdminSku]
    tags: list[str] = []
    sort_weight: int = 0
    status: Literal["on_sale", "off_shelf", "deleted"]
    version: int
    sales: int = 0
    created_at: str
    updated_at: str | None = None
    retired_skus: list[str] = Field(default=[], description="SKUs removed from the matrix (kept for orders that hold them)")


class AdminProductSummary(BaseModel):
    id: str
    title: str
    category_id: str
    cover_url: str
    price_min: Fen
    price_max: Fen
    status: Literal["on_sale", "off_shelf", "deleted"]
    version: int
    sku_count: int
    created_at: str
    updated_at: str | None = None


class AdminProductPage(BaseModel):
    items: list[AdminProductSummary]
    next_cursor: str | None = None


class AdminCategory(Category):
    hidden: bool = False


class AdminCategoryList(BaseModel):
    items: list[AdminCategory]


class CategoryCreate(RequestModel):
    id: str | None = Field(default=None, pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=20)
    icon_url: HttpsUrl | None = None
    sort: int | None = Field(default=None, ge=0, le=100_000, description="Default: after the last one")
    hidden: bool = False


class CategoryPatch(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=20)
    icon_url: HttpsUrl | None = None
    sort: int | None = Field(default=None, ge=0, le=100_000)
    hidden: bool | None = None


class CategoryOrder(RequestModel):
    ids: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(min_length=1, max_length=MAX_CATEGORIES,
                                                                 description="Every category id, in display order")


class StockChange(RequestModel):
    mode: Literal["set", "adjust"]
    quantity: int | None = Field(default=None, ge=0, le=10_000_000, description="mode set: the sellable stock wanted")
    delta: int | None = Field(default=None, ge=-10_000_000, le=10_000_000, description="mode adjust: units added (+) or taken (-)")
    reason: str = Field(min_length=1, max_length=100, description="Why (盘点, 到货, 损耗...)")

    @model_validator(mode="after")
    def _one(self) -> StockChange:
        if self.mode == "set" and (self.quantity is None or self.delta is not None):
            raise ValueError("mode=set 需要 quantity（不要 delta）")
        if self.mode == "adjust" and (self.delta is None or self.quantity is not None or self.delta == 0):
            raise ValueError("mode=adjust 需要非零的 delta（不要 quantity）")
        return self


class StockResult(BaseModel):
    sku_id: str
    stock: int
    delta: int
    ledger_id: str | None = Field(description="The ledger entry written; null when nothing changed")


class LedgerEntry(BaseModel):
    id: str
    sku_id: str
    delta: int
    after: int | None = None
    kind: str
    reason: str | None = None
    actor: str | None = None
    ref: str | None = None
    at: str


class LedgerPage(BaseModel):
    sku_id: str
    stock: int
    stock_opening: int
    items: list[LedgerEntry]
    next_cursor: str | None = None


class ImportProblem(BaseModel):
    line: int = Field(description="Line number in the file (the header is line 1)")
    column: str | None = None
    product_id: str | None = None
    message: str


class ImportReport(BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    failed: list[ImportProblem]
