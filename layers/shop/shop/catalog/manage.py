"""Catalog management (商品管理) for /admin: categories and products, each change one
TransactWriteItems with its audit entry (docs/catalog.md has the merchant's view and the items).

A product save is one BatchGetItem (the staff account, the product's META, its category) and one
transaction: META (conditional on the version read), every SKU of the matrix (an Update that never
touches ``stock`` for a SKU that exists, a conditional Put with its opening stock for a new one),
SKUs removed from the matrix marked retired (never deleted: unpaid orders that hold them give their
units back to that item), the listing entries the shopper catalog reads, the SKU-code registry
shards and the audit entry. At most 90 SKUs + META + 3 listing actions + audit + 4 shards = 99
actions: it fits DynamoDB's 100 (a save that would also retire SKUs past that is refused, 400).

SKU codes are unique in the shop through a registry of CODE_SHARDS items (PK=SKUCODES
SK=SHARD#<n>, one attribute ``code#<code>`` = the SKU id per code, n = crc32(code) % CODE_SHARDS):
taking a code is a condition that the attribute does not exist, inside the product's transaction,
so at most 4 registry items take part however many codes change.
"""

from __future__ import annotations

import secrets
import zlib
from datetime import datetime
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso, now_utc
from shop.catalog.admin_models import (
    AdminCategory,
    AdminProduct,
    AdminProductPage,
    AdminProductSummary,
    AdminSku,
    CategoryCreate,
    CategoryPatch,
    ProductBody,
)
from shop.catalog.products import normalize_search
from shop.core import pagination
from shop.core.audit import entry as audit_entry
from shop.core.errors import Conflict, InvalidRequest, NotFound

CODE_SHARDS = 4
LIST_WINDOW = 200
ADMIN_ALL = "ADMIN_PRODUCTS"  # gsi1pk of every product not deleted; gsi2pk ADMIN_PRODUCTS#<status>


def _t() -> str:
    return db.table()


def category_key(category_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": "CATALOG"}, "SK": {"S": f"CATEGORY#{category_id}"}}


def meta_key(product_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"PRODUCT#{product_id}"}, "SK": {"S": "META"}}


def _category_not_found() -> NotFound:
    return NotFound("分类不存在。", code="category_not_found")


def product_not_found() -> NotFound:
    return NotFound("商品不存在。", code="product_not_found")


def _version_conflict() -> Conflict:
    return Conflict("商品已被他人修改，请刷新后再保存。", code="version_conflict")


# ---------------------------------------------------------------- categories

def list_categories() -> list[AdminCategory]:
    items = db.query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)", ConsistentRead=True,
                         ExpressionAttributeValues={":pk": {"S": "CATALOG"}, ":sk": {"S": "CATEGORY#"}})
    return sorted((AdminCategory.model_validate(i) for i in items), key=lambda c: (c.sort, c.id))


def _category_view(item: dict[str, Any]) -> dict[str, Any]:
    return {"id": item["id"], "name": item["name"], "icon_url": item.get("icon_url"), "sort": item.get("sort", 0),
            "hidden": bool(item.get("hidden", False))}


def create_category(body: CategoryCreate, *, actor: str) -> AdminCategory:
    existing = list_categories()
    if len(existing) >= 99:
        raise Conflict("分类最多 99 个。", code="too_many_categories")
    category_id = body.id or "c" + secrets.token_hex(5)
    sort = body.sort if body.sort is not None else (max((c.sort for c in existing), default=0) + 10)
    data = {"id": category_id, "name": body.name, "icon_url": body.icon_url, "sort": sort, "hidden": body.hidden}
    item = {"PK": "CATALOG", "SK": f"CATEGORY#{category_id}", "type": "category", **data}
    actions = [{"Put": {"TableName": _t(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}},
               audit_entry(_t(), actor=actor, action="catalog.category.create", target_type="category",
                           target_id=category_id, at=now_utc(), after=data)]
    if not db.transact(actions):
        raise Conflict("分类 id 已存在。", code="category_exists")
    return AdminCategory.model_validate(data)


def update_category(category_id: str, body: CategoryPatch, *, actor: str) -> AdminCategory:
    raw = db.client().get_item(TableName=_t(), Key=category_key(category_id), ConsistentRead=True).get("Item")
    if raw is None:
        raise _category_not_found()
    before = _category_view(db.from_item(raw))
    # null clears the icon; for the other fields it means "unchanged"
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None or k == "icon_url"}
    after = {**before, **changes}
    if after == before:
        return AdminCategory.model_validate(after)
    names = {f"#f{i}": k for i, k in enumerate(changes)}
    values = {f":v{i}": db.to_value(v) for i, v in enumerate(changes.values())}
    sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
    # conditional on what was read, so the audit's "before" is what was really replaced
    conds = ["attribute_exists(PK)"]
    for i, key in enumerate(changes):
        names[f"#b{i}"] = key
        if before.get(key) is None:
            conds.append(f"(attribute_not_exists(#b{i}) OR #b{i} = :null)")
            values[":null"] = {"NULL": True}
        else:
            conds.append(f"#b{i} = :b{i}")
            values[f":b{i}"] = db.to_value(before[key])
    actions = [{"Update": {"TableName": _t(), "Key": category_key(category_id), "UpdateExpression": "SET " + sets,
                           "ConditionExpression": " AND ".join(conds), "ExpressionAttributeNames": names,
                           "ExpressionAttributeValues": values}},
               audit_entry(_t(), actor=actor, action="catalog.category.update", target_type="category",
                           target_id=category_id, at=now_utc(), before={k: before.get(k) for k in changes}, after=changes)]
    if not db.transact(actions):
        raise Conflict("分类刚被他人修改，请刷新后重试。", code="category_changed")
    return AdminCategory.model_validate(after)


def order_categories(ids: list[str], *, actor: str) -> list[AdminCategory]:
    existing = {c.id: c for c in list_categories()}
    if len(set(ids)) != len(ids) or set(ids) != set(existing):
        raise InvalidRequest("ids 必须恰好列出每个分类一次。", code="invalid_category_order",
                             details={"missing": sorted(set(existing) - set(ids)), "unknown": sorted(set(ids) - set(existing))})
    actions: list[dict[str, Any]] = [
        {"Update": {"TableName": _t(), "Key": category_key(cid), "UpdateExpression": "SET sort = :s",
                    "ConditionExpression": "attribute_exists(PK)", "ExpressionAttributeValues": {":s": {"N": str((n + 1) * 10)}}}}
        for n, cid in enumerate(ids)
    ]
    actions.append(audit_entry(_t(), actor=actor, action="catalog.category.reorder", target_type="category",
                               target_id="*", at=now_utc(), before={"ids": [c.id for c in existing.values()]}, after={"ids": ids}))
    if not db.transact(actions):
        raise Conflict("分类刚被他人修改，请刷新后重试。", code="category_changed")
    return [AdminCategory.model_validate({**existing[cid].model_dump(), "sort": (n + 1) * 10}) for n, cid in enumerate(ids)]


# ---------------------------------------------------------------- reading products

def read_product(product_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """META and its SKU items (active and retired), one Query that skips the ledger entries."""
    items = db.query_all(KeyConditionExpression="PK = :pk AND SK BETWEEN :meta AND :end", ConsistentRead=True,
                         ExpressionAttributeValues={":pk": {"S": f"PRODUCT#{product_id}"}, ":meta": {"S": "META"},
                                                    ":end": {"S": "SKU$"}})
    meta = next((i for i in items if i["SK"] == "META"), None)
    return meta, [i for i in items if i["SK"].startswith("SKU#")]


def view(meta: dict[str, Any], skus: list[dict[str, Any]]) -> AdminProduct:
    by_id = {s["sku_id"]: s for s in skus}
    matrix = meta.get("matrix") or [{"id": s["sku_id"]} for s in sorted(skus, key=lambda s: s.get("position", 0))
                                    if s.get("product_status") != "retired"]
    rows = []
    for entry in matrix:
        s = by_id.get(entry["id"])
        if s is None:
            continue
        rows.append(AdminSku(id=s["sku_id"], specs=s.get("specs", {}), price=s["price"], original_price=s.get("original_price"),
                             stock=int(s.get("stock", 0)), sold=int(s.get("sold", 0)), code=s.get("code"),
                             image_url=s.get("image_url"), max_per_order=s.get("max_per_order"),
                             limit_per_buyer=s.get("limit_per_buyer"), weight_grams=int(s.get("weight_grams") or 0)))
    return AdminProduct(
        id=meta["id"], title=meta["title"], subtitle=meta.get("subtitle"), category_id=meta["category_id"],
        images=meta.get("images", []), video=meta.get("video"), detail=meta.get("detail", []), specs=meta.get("specs", []),
        skus=rows, tags=meta.get("tags", []), sort_weight=meta.get("sort_weight", 0), status=meta.get("status", "off_shelf"),
        version=int(meta.get("version", 1)), sales=int(meta.get("sales", 0)), created_at=meta["created_at"],
        updated_at=meta.get("updated_at"), retired_skus=[r["id"] for r in meta.get("retired", [])],
    )


def get_product(product_id: str) -> AdminProduct:
    meta, skus = read_product(product_id)
    if meta is None:
        raise product_not_found()
    return view(meta, skus)


def _summary_view(meta: dict[str, Any]) -> AdminProductSummary:
    return AdminProductSummary(
        id=meta["id"], title=meta["title"], category_id=meta["category_id"], cover_url=meta["cover_url"],
        price_min=meta["price_min"], price_max=meta["price_max"], status=meta.get("status", "off_shelf"),
        version=int(meta.get("version", 1)), sku_count=len(meta.get("matrix") or []), created_at=meta["created_at"],
        updated_at=meta.get("updated_at"),
    )


def list_products(*, status: str | None, category: str | None, q: str | None, cursor: str | None,
                  limit: int = 20) -> AdminProductPage:
    """GSI1 (every product not deleted) or GSI2 (one status, ``deleted`` included), newest first;
    a category or search filter examines up to LIST_WINDOW entries a page."""
    index, pk_attr, sk_attr, pk = (("GSI2", "gsi2pk", "gsi2sk", f"{ADMIN_ALL}#{status}") if status
                                   else ("GSI1", "gsi1pk", "gsi1sk", ADMIN_ALL))
    q = normalize_search(q) if q else None
    params: dict[str, Any] = {"TableName": _t(), "IndexName": index, "ScanIndexForward": False,
                              "KeyConditionExpression": f"{pk_attr} = :pk", "ExpressionAttributeValues": {":pk": {"S": pk}}}
    filters = []
    if category:
        filters.append("category_id = :cat")
        params["ExpressionAttributeValues"][":cat"] = {"S": category}
    if q:
        for i, term in enumerate(q.split(" ")[:5]):
            filters.append(f"contains(admin_search, :t{i})")
            params["ExpressionAttributeValues"][f":t{i}"] = {"S": term}
    if filters:
        params["FilterExpression"] = " AND ".join(filters)
    params["Limit"] = LIST_WINDOW if filters else limit + 1
    shape = {"s": status or "", "c": category or "", "q": q or ""}
    if cursor:
        payload = pagination.decode(cursor)
        key, product_id = payload.get("k"), payload.get("p")
        if ({k: payload.get(k) for k in shape} != shape or not isinstance(key, str) or not isinstance(product_id, str)
                or not key.endswith(f"#{product_id}") or not key[:13].isdigit() or len(product_id) > 64):
            raise pagination.invalid_cursor()
        params["ExclusiveStartKey"] = {**meta_key(product_id), pk_attr: {"S": pk}, sk_attr: {"S": key}}
    resp = db.client().query(**params)
    items = [db.from_item(i) for i in resp.get("Items", [])]
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = pagination.encode({**shape, "k": items[-1][sk_attr], "p": items[-1]["id"]})
    elif filters and "LastEvaluatedKey" in resp:
        last = db.from_item(resp["LastEvaluatedKey"])
        next_cursor = pagination.encode({**shape, "k": last[sk_attr], "p": last["PK"].removeprefix("PRODUCT#")})
    return AdminProductPage(items=[_summary_view(i) for i in items], next_cursor=next_cursor)


# ---------------------------------------------------------------- writing products

def shard_of(code: str) -> int:
    return zlib.crc32(code.encode()) % CODE_SHARDS


def shard_key(shard: int) -> dict[str, dict[str, str]]:
    return {"PK": {"S": "SKUCODES"}, "SK": {"S": f"SHARD#{shard}"}}


def _epoch_ms(created_at: str) -> int:
    return int(datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp() * 1000)


def draft_from(body: ProductBody, *, product_id: str, status: str, created_at: str, sales: int,
               old_meta: dict[str, Any] | None) -> dict[str, Any]:
    """The product to write: ``body`` with every SKU's id settled (given, or the id of the SKU with
    the same specs among the current and retired ones, or a new one)."""
    names = [d.name for d in body.specs]
    known: dict[tuple[str, ...], str] = {}
    for entry in [*(old_meta or {}).get("retired", []), *(old_meta or {}).get("matrix", [])]:
        specs = entry.get("specs", {})
        if set(specs) == set(names):
            known[tuple(specs[n] for n in names)] = entry["id"]
    skus = []
    for sku in body.skus:
        specs = {n: sku.specs[n] for n in names}
        sku_id = sku.id or known.get(tuple(specs.values())) or f"{product_id}.{secrets.token_hex(4)}"
        if not sku_id.startswith(f"{product_id}."):
            raise InvalidRequest(f"SKU id {sku_id} 必须以 {product_id}. 开头。", code="invalid_sku_id")
        skus.append({**sku.model_dump(), "id": sku_id, "specs": specs})
    return {**body.model_dump(exclude={"skus"}), "id": product_id, "status": status, "created_at": created_at,
            "sales": sales, "skus": skus, "specs": [d.model_dump() for d in body.specs]}


def _audit_state(meta: dict[str, Any] | None) -> dict[str, Any] | None:
    if meta is None:
        return None
    return {"title": meta.get("title"), "subtitle": meta.get("subtitle"), "category_id": meta.get("category_id"),
            "status": meta.get("status"), "images": meta.get("images"), "specs": meta.get("specs"),
            "skus": {m["id"]: {"price": m.get("price"), "code": m.get("code"), "specs": m.get("specs")}
                     for m in meta.get("matrix", [])}, "version": meta.get("version")}


def _update(key: dict[str, Any], fields: dict[str, Any], condition: str) -> dict[str, Any]:
    sets, removes, names, values = [], [], {}, {}
    for i, (name, value) in enumerate(fields.items()):
        names[f"#a{i}"] = name
        if value is None:
            removes.append(f"#a{i}")
        else:
            sets.append(f"#a{i} = :a{i}")
            values[f":a{i}"] = db.to_value(value)
    expression = ("SET " + ", ".join(sets) if sets else "") + (" REMOVE " + ", ".join(removes) if removes else "")
    update: dict[str, Any] = {"TableName": _t(), "Key": key, "UpdateExpression": expression.strip(),
                              "ConditionExpression": condition, "ExpressionAttributeNames": names}
    if values:
        update["ExpressionAttributeValues"] = values
    return {"Update": update}


def plan(old_meta: dict[str, Any] | None, draft: dict[str, Any], category_name: str, *, actor: str, action: str,
         stock_sets: dict[str, tuple[int, int]] | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The transaction that turns ``old_meta``'s product into ``draft`` (and the new META).
    ``stock_sets`` (sku id -> (stock read, stock wanted)) adds ledgered stock sets (imports)."""
    from shop.catalog import ledger

    now = iso(now_utc())
    pid, status = draft["id"], draft["status"]
    pk = f"PRODUCT#{pid}"
    version = int(old_meta.get("version", 0)) + 1 if old_meta else 1
    prices = [s["price"] for s in draft["skus"]]
    originals = [s["original_price"] for s in draft["skus"] if s.get("original_price") is not None]
    summary = {"id": pid, "title": draft["title"], "subtitle": draft.get("subtitle"), "category_id": draft["category_id"],
               "cover_url": draft["images"][0], "price_min": min(prices), "price_max": max(prices),
               "original_price": max(originals) if originals else None, "sales": draft.get("sales", 0),
               "tags": draft.get("tags", []), "created_at": draft["created_at"]}
    search = normalize_search(" ".join([draft["title"], draft.get("subtitle") or "", category_name, *draft.get("tags", [])]))
    codes = " ".join(s["code"] for s in draft["skus"] if s.get("code")).lower()
    old_matrix = {m["id"]: m for m in (old_meta or {}).get("matrix", [])}
    old_retired = {r["id"]: r for r in (old_meta or {}).get("retired", [])}
    new_ids = [s["id"] for s in draft["skus"]]
    retiring = [i for i in old_matrix if i not in new_ids]
    retired = [r for i, r in old_retired.items() if i not in new_ids] + [{"id": i, "specs": old_matrix[i].get("specs", {})} for i in retiring]
    created_ms = _epoch_ms(draft["created_at"])
    order_key = f"{created_ms:013d}#{pid}"
    meta = {
        "PK": pk, "SK": "META", "type": "product", **summary, "images": draft["images"], "video": draft.get("video"),
        "specs": draft["specs"], "detail": draft.get("detail", []), "sort_weight": draft.get("sort_weight", 0),
        "status": status, "updated_at": now, "updated_by": actor, "version": version,
        "matrix": [{"id": s["id"], "specs": s["specs"], "code": s.get("code"), "price": s["price"]} for s in draft["skus"]],
        "retired": retired, "admin_search": f"{search} {pid.lower()} {codes}".strip(),
        "gsi1pk": ADMIN_ALL if status != "deleted" else None, "gsi1sk": order_key if status != "deleted" else None,
        "gsi2pk": f"{ADMIN_ALL}#{status}", "gsi2sk": order_key,
        "deleted_at": now if status == "deleted" else None,
    }
    if old_meta is None:
        meta_action = {"Put": {"TableName": _t(), "Item": db.to_item(meta), "ConditionExpression": "attribute_not_exists(PK)"}}
    else:
        meta_action = {"Put": {"TableName": _t(), "Item": db.to_item(meta), "ConditionExpression": "version = :v",
                               "ExpressionAttributeValues": {":v": {"N": str(old_meta.get("version", 1))}}}}
    actions: list[dict[str, Any]] = [meta_action]
    sku_status = status if status != "deleted" else "deleted"
    stock_sets = stock_sets or {}
    ledger_actions = []
    for position, sku in enumerate(draft["skus"]):
        key = {"PK": {"S": pk}, "SK": {"S": f"SKU#{sku['id']}"}}
        fields = {"title": draft["title"], "category_id": draft["category_id"],
                  "cover_url": sku.get("image_url") or draft["images"][0], "product_status": sku_status,
                  "position": position, "specs": sku["specs"], "price": sku["price"],
                  "original_price": sku.get("original_price"), "image_url": sku.get("image_url"),
                  "max_per_order": sku.get("max_per_order"), "limit_per_buyer": sku.get("limit_per_buyer"),
                  "weight_grams": sku.get("weight_grams") or 0, "code": sku.get("code"), "retired_at": None}
        if sku["id"] in old_matrix or sku["id"] in old_retired:
            condition = "attribute_exists(PK)"
            if sku["id"] in stock_sets:
                read, wanted = stock_sets[sku["id"]]
                fields["stock"] = wanted
                condition += f" AND stock = :read{position}"
                sku_action = _update(key, fields, condition)
                sku_action["Update"].setdefault("ExpressionAttributeValues", {})[f":read{position}"] = {"N": str(read)}
                ledger_actions.append(ledger.entry(sku["id"], wanted - read, "import", after=wanted, actor=actor, reason="CSV 导入"))
            else:
                sku_action = _update(key, fields, condition)
            actions.append(sku_action)
        else:
            item = {"PK": pk, "SK": f"SKU#{sku['id']}", "type": "sku", "sku_id": sku["id"], "product_id": pid,
                    **{k: v for k, v in fields.items() if v is not None}, "stock": sku.get("stock", 0),
                    "stock_opening": sku.get("stock", 0), "sold": 0}
            actions.append({"Put": {"TableName": _t(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}})
    for sku_id in retiring:
        actions.append(_update({"PK": {"S": pk}, "SK": {"S": f"SKU#{sku_id}"}},
                               {"product_status": "retired", "retired_at": now}, "attribute_exists(PK)"))
    old_category = (old_meta or {}).get("category_id")
    scopes = ["ALL", f"CAT#{draft['category_id']}"]
    if status == "on_sale":
        for scope in scopes:
            actions.append({"Put": {"TableName": _t(), "Item": db.to_item({
                "PK": pk, "SK": f"LISTING#{scope}", "type": "listing", "listing": scope, **summary, "search": search,
                "rank_default": draft.get("sort_weight", 0) * 10**13 + created_ms, "rank_sales": summary["sales"],
                "rank_price": summary["price_min"], "rank_new": created_ms})}})
    elif old_meta is not None and old_meta.get("status") == "on_sale":
        for scope in scopes:
            actions.append({"Delete": {"TableName": _t(), "Key": {"PK": {"S": pk}, "SK": {"S": f"LISTING#{scope}"}}}})
    if old_category and old_category != draft["category_id"] and old_meta and old_meta.get("status") == "on_sale":
        actions.append({"Delete": {"TableName": _t(), "Key": {"PK": {"S": pk}, "SK": {"S": f"LISTING#CAT#{old_category}"}}}})
    # SKU codes: deleted products give theirs up
    old_codes = {m["code"]: m["id"] for m in old_matrix.values() if m.get("code")}
    new_codes = {s["code"]: s["id"] for s in draft["skus"] if s.get("code")} if status != "deleted" else {}
    by_shard: dict[int, list[tuple[str, str | None, str | None]]] = {}
    for code in set(old_codes) | set(new_codes):
        if old_codes.get(code) != new_codes.get(code):
            by_shard.setdefault(shard_of(code), []).append((code, old_codes.get(code), new_codes.get(code)))
    for shard, changes in sorted(by_shard.items()):
        sets, removes, conds, names, values = [], [], [], {}, {}
        for n, (code, old, new) in enumerate(changes):
            names[f"#c{n}"] = f"code#{code}"
            if old is None:
                conds.append(f"attribute_not_exists(#c{n})")
            else:
                conds.append(f"(attribute_not_exists(#c{n}) OR #c{n} = :o{n})")
                values[f":o{n}"] = {"S": old}
            if new is None:
                removes.append(f"#c{n}")
            else:
                sets.append(f"#c{n} = :n{n}")
                values[f":n{n}"] = {"S": new}
        expression = ("SET " + ", ".join(sets) if sets else "") + (" REMOVE " + ", ".join(removes) if removes else "")
        update: dict[str, Any] = {"TableName": _t(), "Key": shard_key(shard), "UpdateExpression": expression.strip(),
                                  "ConditionExpression": " AND ".join(conds), "ExpressionAttributeNames": names}
        if values:
            update["ExpressionAttributeValues"] = values
        actions.append({"Update": update})
    actions += ledger_actions
    actions.append(audit_entry(_t(), actor=actor, action=action, target_type="product", target_id=pid, at=now_utc(),
                               before=_audit_state(old_meta), after=_audit_state(meta)))
    if len(actions) > 100:
        raise InvalidRequest("这次保存涉及的记录超过 100 条（一次事务的上限）：请先删去部分规格保存一次，再添加新规格。",
                             code="product_save_too_large", details={"actions": len(actions)})
    return actions, meta


def write(actions: list[dict[str, Any]], *, creating: bool) -> None:
    """Run a product transaction; a refused condition becomes the 409 it means."""
    reasons = db.transact_reasons(actions)
    if reasons is None:
        return
    if reasons[0] == "ConditionalCheckFailed":
        if creating:
            raise Conflict("商品 id 已存在。", code="product_exists")
        raise _version_conflict()
    taken = [a["Update"] for a, r in zip(actions, reasons, strict=False)
             if r == "ConditionalCheckFailed" and "Update" in a and a["Update"]["Key"]["PK"]["S"] == "SKUCODES"]
    if taken:
        codes = sorted(name.removeprefix("code#") for u in taken for name in u["ExpressionAttributeNames"].values())
        found = db.batch_get([u["Key"] for u in taken])
        held = {k.removeprefix("code#") for item in found.values() for k in item if k.startswith("code#")}
        clash = [c for c in codes if c in held] or codes
        raise Conflict(f"SKU 编码已被其他商品使用：{'、'.join(clash)}", code="sku_code_taken", details={"codes": clash})
    if "ConditionalCheckFailed" in reasons:
        raise _version_conflict()  # a SKU item changed under the save (an import's stock read, a concurrent save)
    raise db.TransactionFailed(reasons)


def _category_name(raw: dict[str, Any] | None) -> str:
    if raw is None:
        raise InvalidRequest("分类不存在。", code="category_not_found")
    return db.from_item(raw)["name"]


def save(pending: Any, body: ProductBody, *, product_id: str | None, version: int | None,
         status: str | None = None) -> AdminProduct:
    """Create (``product_id`` None: from body.id or a new id) or update a product: one BatchGetItem
    (staff account, META, category) and one transaction."""
    creating = product_id is None
    pid = product_id or getattr(body, "id", None) or "p" + secrets.token_hex(6)
    found = db.batch_get([pending.key, meta_key(pid), category_key(body.category_id)])
    actor = pending.name
    pending.confirm(found.get(db.key_of(pending.key)))
    raw_meta = found.get(("PRODUCT#" + pid, "META"))
    old = db.from_item(raw_meta) if raw_meta else None
    if creating and old is not None:
        raise Conflict("商品 id 已存在。", code="product_exists")
    if not creating:
        if old is None or old.get("status") == "deleted":
            raise product_not_found()
        if int(old.get("version", 1)) != version:
            raise _version_conflict()
    category_name = _category_name(found.get(("CATALOG", f"CATEGORY#{body.category_id}")))
    draft = draft_from(body, product_id=pid, status=status or (old or {}).get("status") or "off_shelf",
                       created_at=(old or {}).get("created_at") or iso(now_utc()), sales=int((old or {}).get("sales", 0)),
                       old_meta=old)
    actions, meta = plan(old, draft, category_name, actor=actor,
                         action="catalog.product.create" if creating else "catalog.product.update")
    write(actions, creating=creating)
    return _saved_view(meta, draft, old)


def _saved_view(meta: dict[str, Any], draft: dict[str, Any], old: dict[str, Any] | None) -> AdminProduct:
    """The product as written, without reading it back (stock: what a new SKU opened with; existing
    SKUs' live stock is what GET shows)."""
    meta_plain = {k: v for k, v in meta.items() if v is not None}
    skus = [{"sku_id": s["id"], "specs": s["specs"], "price": s["price"], "original_price": s.get("original_price"),
             "stock": s.get("stock", 0), "code": s.get("code"), "image_url": s.get("image_url"),
             "max_per_order": s.get("max_per_order"), "limit_per_buyer": s.get("limit_per_buyer"),
             "weight_grams": s.get("weight_grams") or 0} for s in draft["skus"]]
    return view(meta_plain, skus)


def _draft_of(meta: dict[str, Any], skus: list[dict[str, Any]], status: str) -> dict[str, Any]:
    by_id = {s["sku_id"]: s for s in skus}
    rows = []
    for m in meta.get("matrix", []):
        s = by_id[m["id"]]
        rows.append({"id": m["id"], "specs": s.get("specs", {}), "price": s["price"], "original_price": s.get("original_price"),
                     "code": s.get("code"), "image_url": s.get("image_url"), "max_per_order": s.get("max_per_order"),
                     "limit_per_buyer": s.get("limit_per_buyer"), "weight_grams": s.get("weight_grams") or 0,
                     "stock": s.get("stock", 0)})
    keys = ("id", "title", "subtitle", "category_id", "images", "video", "detail", "specs", "tags", "sort_weight",
            "created_at", "sales")
    return {**{k: meta.get(k) for k in keys}, "status": status, "skus": rows}


STATUS_ACTIONS = {"on_sale": "catalog.product.publish", "off_shelf": "catalog.product.unpublish",
                  "deleted": "catalog.product.delete"}


def set_status(product_id: str, status: str, *, actor: str, version: int | None) -> AdminProduct:
    """上架 / 下架 / 删除 (soft): META, every SKU's product_status and the listing entries, one
    transaction conditional on the version read."""
    meta, skus = read_product(product_id)
    if meta is None or meta.get("status") == "deleted":
        raise product_not_found()
    if version is not None and int(meta.get("version", 1)) != version:
        raise _version_conflict()
    if meta.get("status") == status:
        return view(meta, skus)
    raw = db.client().get_item(TableName=_t(), Key=category_key(meta["category_id"]), ConsistentRead=True).get("Item")
    category_name = db.from_item(raw)["name"] if raw else ""
    if status == "on_sale" and raw is None:
        raise Conflict("商品的分类已不存在，请先修改分类再上架。", code="category_not_found")
    draft = _draft_of(meta, skus, status)
    actions, new_meta = plan(meta, draft, category_name, actor=actor, action=STATUS_ACTIONS[status])
    write(actions, creating=False)
    return view({k: v for k, v in new_meta.items() if v is not None}, [
        {**s, "product_status": status} for s in skus])
