"""Products and stock as CSV (docs/catalog.md "CSV"): UTF-8 with a BOM so Excel opens it, one row
per SKU with its product's columns repeated; amounts in yuan with two decimals. Importing takes the
same file back: each product (the rows sharing a 商品ID) is written in one transaction or not at
all, every problem reported with its line, column and a message in Chinese."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from shop.adapters import db
from shop.catalog import manage
from shop.catalog.admin_models import ImportProblem, ImportReport, ProductBody
from shop.core.errors import Conflict, InvalidRequest, NotFound, ShopError

COLUMNS = ["商品ID", "标题", "副标题", "分类ID", "状态", "图片", "视频", "详情", "标签", "排序权重", "规格轴",
           "SKU ID", "规格", "售价(元)", "划线价(元)", "库存", "SKU编码", "每单限购", "每人限购", "SKU图片", "重量(克)"]
STATUS_TEXT = {"on_sale": "上架", "off_shelf": "下架"}
TEXT_STATUS = {"上架": "on_sale", "下架": "off_shelf", "on_sale": "on_sale", "off_shelf": "off_shelf"}
# where a model field's problem is reported
FIELD_COLUMN = {"title": "标题", "subtitle": "副标题", "category_id": "分类ID", "images": "图片", "video": "视频",
                "detail": "详情", "tags": "标签", "sort_weight": "排序权重", "specs": "规格轴", "id": "SKU ID",
                "price": "售价(元)", "original_price": "划线价(元)", "stock": "库存", "code": "SKU编码",
                "max_per_order": "每单限购", "limit_per_buyer": "每人限购", "image_url": "SKU图片",
                "weight_grams": "重量(克)"}
MAX_BYTES = 2_000_000
# columns a file may leave out (files exported before they existed): the products keep their values
OPTIONAL = {"重量(克)"}


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"{Decimal(fen) / 100:.2f}"


def fen_of(text: str) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("金额格式不对，应为元，最多两位小数，如 59.90") from None
    if value != value.quantize(Decimal("0.01")) or value < 0:
        raise ValueError("金额格式不对，应为元，最多两位小数，如 59.90")
    return int(value * 100)


# ---------------------------------------------------------------- export

def _rows(product: Any) -> list[list[str]]:
    axes = ";".join(f"{d.name}:{'|'.join(d.values)}" for d in product.specs)
    common = [product.id, product.title, product.subtitle or "", product.category_id, STATUS_TEXT.get(product.status, product.status),
              "|".join(product.images), json.dumps(product.video.model_dump(exclude_none=True), ensure_ascii=False) if product.video else "",
              json.dumps([b.model_dump(exclude_none=True) for b in product.detail], ensure_ascii=False) if product.detail else "",
              "|".join(product.tags), str(product.sort_weight), axes]
    return [common + [s.id, ";".join(f"{k}={v}" for k, v in s.specs.items()), yuan(s.price), yuan(s.original_price),
                      str(s.stock), s.code or "", str(s.max_per_order or ""), str(s.limit_per_buyer or ""), s.image_url or "",
                      str(s.weight_grams or "")]
            for s in product.skus]


def export() -> str:
    """Every product not deleted, newest first."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    metas = db.query_all(IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk", ScanIndexForward=False,
                         ExpressionAttributeValues={":pk": {"S": manage.ADMIN_ALL}}, ProjectionExpression="PK")
    for meta in metas:
        try:
            product = manage.get_product(meta["PK"].removeprefix("PRODUCT#"))
        except NotFound:  # pragma: no cover - deleted between the index and the read
            continue
        writer.writerows(_rows(product))
    return out.getvalue()


# ---------------------------------------------------------------- import

class RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _int(text: str, column: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise RowError(column, "应为整数") from None


def _json(text: str, column: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise RowError(column, "不是有效的 JSON") from None


def _axes(text: str) -> list[dict[str, Any]]:
    axes = []
    for part in filter(None, text.split(";")):
        if ":" not in part:
            raise RowError("规格轴", "格式应为 颜色:黑色|白色;尺码:S|M")
        name, values = part.split(":", 1)
        axes.append({"name": name.strip(), "values": [v.strip() for v in values.split("|")]})
    if not axes:
        raise RowError("规格轴", "不能为空，如 颜色:黑色|白色")
    return axes


def _specs(text: str) -> dict[str, str]:
    specs = {}
    for part in filter(None, text.split(";")):
        if "=" not in part:
            raise RowError("规格", "格式应为 颜色=黑色;尺码=M")
        name, value = part.split("=", 1)
        specs[name.strip()] = value.strip()
    return specs


def _product(rows: list[tuple[int, dict[str, str]]]) -> tuple[dict[str, Any], str | None, dict[str, int | None]]:
    """The product body, its status, and the stock each SKU row asks for (None: keep)."""
    first = rows[0][1]
    body: dict[str, Any] = {
        "title": first["标题"], "subtitle": first["副标题"] or None, "category_id": first["分类ID"],
        "images": [u for u in first["图片"].split("|") if u], "video": _json(first["视频"], "视频"),
        "detail": _json(first["详情"], "详情") or [], "tags": [t for t in first["标签"].split("|") if t],
        "sort_weight": _int(first["排序权重"], "排序权重") or 0, "specs": _axes(first["规格轴"]), "skus": [],
    }
    status_text = first["状态"]
    if status_text and status_text not in TEXT_STATUS:
        raise RowError("状态", "应为 上架 或 下架")
    stocks: dict[str, int | None] = {}
    for line, row in rows:
        try:
            for column in ("标题", "分类ID", "规格轴"):
                if row[column] != first[column]:
                    raise RowError(column, "同一商品的各行应与第一行相同")
            if not row["售价(元)"]:
                raise RowError("售价(元)", "不能为空")
            try:
                price = fen_of(row["售价(元)"])
            except ValueError as exc:
                raise RowError("售价(元)", str(exc)) from None
            try:
                original = fen_of(row["划线价(元)"]) if row["划线价(元)"] else None
            except ValueError as exc:
                raise RowError("划线价(元)", str(exc)) from None
            stock = _int(row["库存"], "库存")
            sku = {"id": row["SKU ID"] or None, "specs": _specs(row["规格"]), "price": price, "original_price": original,
                   "stock": stock or 0, "code": row["SKU编码"] or None, "image_url": row["SKU图片"] or None,
                   "max_per_order": _int(row["每单限购"], "每单限购"), "limit_per_buyer": _int(row["每人限购"], "每人限购"),
                   **({"weight_grams": _int(row["重量(克)"], "重量(克)") or 0} if "重量(克)" in row else {})}
        except RowError as exc:
            exc.line = line  # type: ignore[attr-defined]
            raise
        body["skus"].append(sku)
        stocks[str(len(body["skus"]) - 1)] = stock
    return body, TEXT_STATUS.get(status_text) if status_text else None, stocks


def _comparable(draft: dict[str, Any]) -> dict[str, Any]:
    keys = ("title", "subtitle", "category_id", "images", "video", "detail", "specs", "tags", "sort_weight", "status")
    skus = [{k: s.get(k) for k in ("id", "specs", "price", "original_price", "code", "image_url", "max_per_order", "limit_per_buyer",
                                     "weight_grams")}
            for s in draft["skus"]]
    plain = json.loads(json.dumps({**{k: draft.get(k) for k in keys}, "skus": skus}, ensure_ascii=False, default=str))
    for block in plain.get("detail") or []:
        for k in [k for k, v in block.items() if v is None]:
            del block[k]
    if plain.get("video"):
        plain["video"] = {k: v for k, v in plain["video"].items() if v is not None}
    return plain


def _problems_of(exc: ValidationError, rows: list[tuple[int, dict[str, str]]], product_id: str) -> list[ImportProblem]:
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        line, column = rows[0][0], None
        if loc and loc[0] == "skus" and len(loc) > 1 and isinstance(loc[1], int):
            line = rows[min(loc[1], len(rows) - 1)][0]
            column = FIELD_COLUMN.get(str(loc[2])) if len(loc) > 2 else None
        elif loc:
            column = FIELD_COLUMN.get(str(loc[0]))
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(ImportProblem(line=line, column=column, product_id=product_id, message=f"内容不符合要求：{message}"))
    return problems


def import_csv(data: bytes, *, actor: str) -> ImportReport:
    if len(data) > MAX_BYTES:
        raise InvalidRequest(f"文件不能超过 {MAX_BYTES // 1_000_000} MB。", code="file_too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRequest("文件应为 UTF-8 编码的 CSV（Excel：另存为“CSV UTF-8”）。", code="invalid_csv") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or []) and c not in OPTIONAL]
    if missing:
        raise InvalidRequest("缺少列：" + "、".join(missing), code="invalid_csv", details={"missing": missing})
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    report = ImportReport(created=[], updated=[], unchanged=[], failed=[])
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
        product_id = row["商品ID"]
        if not product_id:
            report.failed.append(ImportProblem(line=line, column="商品ID", message="商品ID不能为空"))
            continue
        groups.setdefault(product_id, []).append((line, row))
    categories = {c.id: c.name for c in manage.list_categories()}
    for product_id, rows in groups.items():
        try:
            _import_one(product_id, rows, categories, actor, report)
        except RowError as exc:
            report.failed.append(ImportProblem(line=getattr(exc, "line", rows[0][0]), column=exc.column,
                                               product_id=product_id, message=exc.message))
        except ValidationError as exc:
            report.failed += _problems_of(exc, rows, product_id)
        except ShopError as exc:
            report.failed.append(ImportProblem(line=rows[0][0], product_id=product_id, message=exc.message))
    return report


def _import_one(product_id: str, rows: list[tuple[int, dict[str, str]]], categories: dict[str, str], actor: str,
                report: ImportReport) -> None:
    import re

    from shop.catalog.admin_models import ID_PATTERN

    if not re.match(ID_PATTERN, product_id):
        raise RowError("商品ID", "只能用字母、数字、- 和 _，最长 64 位")
    raw, status, stocks = _product(rows)
    body = ProductBody.model_validate(raw)
    if body.category_id not in categories:
        raise RowError("分类ID", f"分类 {body.category_id} 不存在")
    for attempt in range(3):
        old, skus = manage.read_product(product_id)
        if old is not None and old.get("status") == "deleted":
            raise RowError("商品ID", "该商品已删除，不能再导入同一个商品ID")
        new_status = status or (old or {}).get("status") or "off_shelf"
        draft = manage.draft_from(body, product_id=product_id, status=new_status,
                                  created_at=(old or {}).get("created_at") or manage.iso(manage.now_utc()),
                                  sales=int((old or {}).get("sales", 0)), old_meta=old)
        current = {s["sku_id"]: int(s.get("stock", 0)) for s in skus}
        if "重量(克)" not in rows[0][1]:  # the file has no weight column: each SKU keeps its weight
            weights = {s["sku_id"]: int(s.get("weight_grams") or 0) for s in skus}
            for sku in draft["skus"]:
                sku["weight_grams"] = weights.get(sku["id"], 0)
        stock_sets = {}
        for n, sku in enumerate(draft["skus"]):
            wanted = stocks.get(str(n))
            if sku["id"] in current and wanted is not None and wanted != current[sku["id"]]:
                stock_sets[sku["id"]] = (current[sku["id"]], wanted)
        if old is not None and not stock_sets and _comparable(draft) == _comparable(manage._draft_of(old, skus, old["status"])):
            report.unchanged.append(product_id)
            return
        actions, _ = manage.plan(old, draft, categories[body.category_id], actor=actor, stock_sets=stock_sets,
                                 action="catalog.product.import_create" if old is None else "catalog.product.import_update")
        try:
            manage.write(actions, creating=old is None)
        except Conflict as exc:
            if exc.code in ("version_conflict", "product_exists") and attempt < 2:
                continue  # changed while importing (an order took stock): read again
            raise
        (report.created if old is None else report.updated).append(product_id)
        return
