"""Catalog management under /admin as a merchant and a shopper notice it: categories, products with
their SKU matrix, publishing, soft delete, SKU codes, versions, CSV export and import."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from shop.adapters import db
from tests.handler.test_buying import ADDRESS, merchant_token, place
from tests.helpers import Api, Reply, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
IMG = "https://img.example.com/{}.jpg"
PICKUP = {"delivery": "pickup", "pickup_store_id": "sz-nanshan"}


@pytest.fixture
def owner() -> str:
    return merchant_token("cat-owner", role="owner")


def call(api: Api, method: str, path: str, body: Any = None, *, token: str) -> Reply:
    return api.request(method, path, json_body=body, token=token)


def matrix(colors=("黑色", "白色"), sizes=("S", "M", "L"), price: int = 5900, stock: int = 20, **extra: Any) -> dict[str, Any]:
    skus = [{"specs": {"颜色": c, "尺码": s}, "price": price + 100 * n, "stock": stock}
            for n, (c, s) in enumerate((c, s) for c in colors for s in sizes)]
    return {"title": "纯棉短袖T恤", "category_id": "apparel", "images": [IMG.format("tee")],
            "specs": [{"name": "颜色", "values": list(colors)}, {"name": "尺码", "values": list(sizes)}],
            "skus": skus, "detail": [{"type": "text", "text": "100% 棉"}, {"type": "image", "url": IMG.format("d1")}],
            **extra}


def create(api: Api, token: str, **extra: Any) -> dict[str, Any]:
    reply = api.post("/admin/products", matrix(**extra), token=token)
    assert reply.status == 201, reply.text
    return reply.json


def publish(api: Api, token: str, product_id: str) -> dict[str, Any]:
    reply = api.post(f"/admin/products/{product_id}/publish", {}, token=token)
    assert reply.status == 200, reply.text
    return reply.json


def audit_actions(target_id: str) -> list[str]:
    items = db.query_all(IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
                         ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#product#{target_id}"}})
    return [i["action"] for i in sorted(items, key=lambda i: i["SK"])]


# ---------------------------------------------------------------- categories

def test_categories_create_rename_hide_and_reorder(api: Api, owner: str) -> None:
    created = api.post("/admin/categories", {"id": "tea", "name": "茶饮", "icon_url": IMG.format("tea")}, token=owner)
    assert created.status == 201, created.text
    assert api.post("/admin/categories", {"id": "tea", "name": "又一个"}, token=owner).error_code == "category_exists"
    assert "tea" in [c["id"] for c in api.get("/categories").json["items"]]
    renamed = call(api, "PATCH", "/admin/categories/tea", {"name": "茗茶", "hidden": True}, token=owner)
    assert renamed.status == 200 and renamed.json["name"] == "茗茶" and renamed.json["hidden"] is True
    assert "tea" not in [c["id"] for c in api.get("/categories").json["items"]]  # hidden: gone for shoppers at once
    admin_view = api.get("/admin/categories", token=owner).json["items"]
    assert {"id": "tea", "hidden": True, "name": "茗茶"}.items() <= next(c for c in admin_view if c["id"] == "tea").items()
    ids = [c["id"] for c in admin_view]
    reordered = call(api, "PUT", "/admin/categories/order", {"ids": list(reversed(ids))}, token=owner)
    assert reordered.status == 200, reordered.text
    shopper = [c["id"] for c in api.get("/categories").json["items"]]
    assert shopper == [i for i in reversed(ids) if i != "tea"]
    partial = call(api, "PUT", "/admin/categories/order", {"ids": ids[:2]}, token=owner)
    assert partial.status == 400 and partial.error_code == "invalid_category_order"
    assert call(api, "PATCH", "/admin/categories/nope", {"name": "x"}, token=owner).status == 404
    seeded = call(api, "PATCH", "/admin/categories/home", {"name": "居家", "hidden": None}, token=owner)
    assert seeded.status == 200 and seeded.json["name"] == "居家" and seeded.json["hidden"] is False
    assert "居家" in [c["name"] for c in api.get("/categories").json["items"]]


# ---------------------------------------------------------------- products

def test_a_product_created_over_the_api_is_shown_and_bought_and_a_price_edit_spares_the_order(api: Api, owner: str) -> None:
    product = create(api, owner, id="p-api-tee")
    assert product["status"] == "off_shelf" and product["version"] == 1 and len(product["skus"]) == 6
    assert api.get("/products/p-api-tee").status == 404  # not on sale yet
    published = publish(api, owner, "p-api-tee")
    assert published["version"] == 2
    shown = api.get("/products/p-api-tee").json
    assert [s["id"] for s in shown["skus"]] == [s["id"] for s in product["skus"]]
    assert "p-api-tee" in {p["id"] for p in api.get("/products?category=apparel&limit=50").json["items"]}
    assert "p-api-tee" in {p["id"] for p in api.get("/products?q=短袖").json["items"]}

    sku = product["skus"][0]["id"]
    buyer = login(api, "api-buyer")
    assert api.post("/addresses", ADDRESS, token=buyer).status == 201
    placed = place(api, buyer, {"items": [{"sku_id": sku, "quantity": 2}], **PICKUP})
    assert placed.status == 201, placed.text
    order_id = placed.json["order"]["id"]
    assert api.request("PUT", "/cart/items/" + sku, json_body={"quantity": 1}, token=buyer).status in (200, 201)

    body = matrix()
    body["skus"][0] = {**body["skus"][0], "id": sku, "price": 9900}
    saved = call(api, "PUT", "/admin/products/p-api-tee", {**body, "version": 2}, token=owner)
    assert saved.status == 200, saved.text
    assert saved.json["version"] == 3 and saved.json["skus"][0]["price"] == 9900
    assert [s["id"] for s in saved.json["skus"]] == [s["id"] for s in product["skus"]]  # same specs, same SKUs
    assert api.get("/products/p-api-tee").json["skus"][0]["price"] == 9900  # shoppers see it at once
    assert api.get("/products?category=apparel&limit=50").json["items"] and next(
        p for p in api.get("/products?category=apparel&limit=50").json["items"] if p["id"] == "p-api-tee")["price_max"] == 9900
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert order["lines"][0]["unit_price"] == 5900 and order["goods_total"] == 11800  # the order keeps its snapshot
    line = next(i for i in api.get("/cart", token=buyer).json["items"] if i["sku_id"] == sku)
    assert line["price_changed"] is True and line["unit_price"] == 9900 and line["added_price"] == 5900
    # the live stock: 20 opened, 2 held by the unpaid order
    assert api.get("/admin/products/p-api-tee", token=owner).json["skus"][0]["stock"] == 18
    assert audit_actions("p-api-tee") == ["catalog.product.create", "catalog.product.publish", "catalog.product.update"]


def test_a_stale_version_is_409_and_changes_nothing(api: Api, owner: str) -> None:
    product = create(api, owner, id="p-stale")
    first = call(api, "PUT", "/admin/products/p-stale", {**matrix(title="第一次"), "version": 1}, token=owner)
    assert first.status == 200, first.text
    stale = call(api, "PUT", "/admin/products/p-stale", {**matrix(title="第二次"), "version": 1}, token=owner)
    assert stale.status == 409 and stale.error_code == "version_conflict"
    current = api.get("/admin/products/p-stale", token=owner).json
    assert current["title"] == "第一次" and current["version"] == 2 and product["id"] == "p-stale"


@pytest.mark.parametrize("change, code", [
    (lambda b: b["skus"].pop(), "incomplete matrix"),
    (lambda b: b["skus"].append(dict(b["skus"][0])), "a combination twice"),
    (lambda b: b["skus"][0]["specs"].update({"颜色": "红色"}), "a value not in the axes"),
    (lambda b: b.update(images=["http://img.example.com/x.jpg"]), "not https"),
    (lambda b: b.update(specs=b["specs"] + [{"name": "a", "values": ["1"]}, {"name": "b", "values": ["2"]}]), "four axes"),
    (lambda b: b["skus"][0].update(original_price=100), "original below price"),
])
def test_invalid_products_are_400(api: Api, owner: str, change, code: str) -> None:
    body = matrix()
    change(body)
    reply = api.post("/admin/products", body, token=owner)
    assert reply.status == 400, (code, reply.text)


def test_an_unknown_category_is_refused(api: Api, owner: str) -> None:
    reply = api.post("/admin/products", matrix(category_id="nope"), token=owner)
    assert reply.status == 400 and reply.error_code == "category_not_found"


def test_sku_codes_are_unique_in_the_shop_and_freed_when_changed(api: Api, owner: str) -> None:
    body = matrix()
    for n, sku in enumerate(body["skus"]):
        sku["code"] = f"TEE-{n}"
    assert api.post("/admin/products", {**body, "id": "p-code-a"}, token=owner).status == 201
    clash = matrix(colors=("红色",), sizes=("S",))
    clash["skus"][0]["code"] = "TEE-3"
    taken = api.post("/admin/products", {**clash, "id": "p-code-b"}, token=owner)
    assert taken.status == 409 and taken.error_code == "sku_code_taken" and taken.json["error"]["details"]["codes"] == ["TEE-3"]
    assert api.get("/admin/products/p-code-b", token=owner).status == 404  # nothing half-written
    body["skus"][3]["code"] = "TEE-NEW"
    assert call(api, "PUT", "/admin/products/p-code-a", {**body, "version": 1}, token=owner).status == 200
    assert api.post("/admin/products", {**clash, "id": "p-code-b"}, token=owner).status == 201  # TEE-3 was freed
    found = api.get("/admin/products?q=tee-new", token=owner).json["items"]
    assert [p["id"] for p in found] == ["p-code-a"]


def test_a_90_sku_product_with_codes_saves_in_one_transaction(api: Api, owner: str, monkeypatch) -> None:
    colors = tuple(f"色{n}" for n in range(9))
    sizes = tuple(f"{n}码" for n in range(10))
    body = matrix(colors=colors, sizes=sizes)
    for n, sku in enumerate(body["skus"]):
        sku["code"] = f"BIG-{n:03d}"
    created = api.post("/admin/products", {**body, "id": "p-big", "status": "on_sale"}, token=owner)
    assert created.status == 201, created.text
    assert len(api.get("/products/p-big").json["skus"]) == 90
    for sku in body["skus"]:
        sku["code"] += "X"
    saved = call(api, "PUT", "/admin/products/p-big", {**body, "category_id": "home", "version": 1}, token=owner)
    assert saved.status == 200, saved.text
    assert "p-big" in {p["id"] for p in api.get("/products?category=home&limit=50").json["items"]}
    assert "p-big" not in {p["id"] for p in api.get("/products?category=apparel&limit=50").json["items"]}


def test_a_product_save_is_two_round_trips(api: Api, owner: str, monkeypatch) -> None:
    from botocore.client import BaseClient

    create(api, owner, id="p-trips")
    calls: list[str] = []
    original = BaseClient._make_api_call

    def counting(self, operation, params):  # noqa: ANN001, ANN202
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    reply = call(api, "PUT", "/admin/products/p-trips", {**matrix(title="新标题"), "version": 1}, token=owner)
    assert reply.status == 200, reply.text
    assert calls == ["BatchGetItem", "TransactWriteItems"]


def test_removing_a_sku_keeps_the_orders_that_hold_it(api: Api, owner: str) -> None:
    product = create(api, owner, id="p-shrink", status="on_sale")
    gone = product["skus"][-1]["id"]
    buyer = login(api, "shrink-buyer")
    placed = place(api, buyer, {"items": [{"sku_id": gone, "quantity": 3}], **PICKUP})
    assert placed.status == 201, placed.text
    body = matrix(sizes=("S", "M"))
    saved = call(api, "PUT", "/admin/products/p-shrink", {**body, "version": 1}, token=owner)
    assert saved.status == 200, saved.text
    assert gone in saved.json["retired_skus"] and len(saved.json["skus"]) == 4
    shown = api.get("/products/p-shrink").json
    assert gone not in [s["id"] for s in shown["skus"]]
    refused = place(api, buyer, {"items": [{"sku_id": gone, "quantity": 1}], **PICKUP})
    assert refused.status == 409
    order_id = placed.json["order"]["id"]
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "PENDING_PAYMENT"  # it keeps its reservation
    assert api.post(f"/orders/{order_id}/cancel", token=buyer).status == 200
    from tests.handler.test_buying import stock_of

    assert stock_of(gone)[0] == 20  # the units went back to the retired SKU's item
    # putting the combination back revives the same SKU with its stock
    revived = call(api, "PUT", "/admin/products/p-shrink", {**matrix(), "version": 2}, token=owner)
    assert revived.status == 200 and gone in [s["id"] for s in revived.json["skus"]] and not revived.json["retired_skus"]


def test_unpublish_and_soft_delete(api: Api, owner: str) -> None:
    product = create(api, owner, id="p-bye", status="on_sale")
    sku = product["skus"][0]["id"]
    buyer = login(api, "bye-buyer")
    placed = place(api, buyer, {"items": [{"sku_id": sku, "quantity": 1}], **PICKUP})
    assert placed.status == 201
    api.request("PUT", "/cart/items/" + sku, json_body={"quantity": 1}, token=buyer)
    down = api.post("/admin/products/p-bye/unpublish", {}, token=owner)
    assert down.status == 200 and down.json["status"] == "off_shelf"
    assert api.get("/products/p-bye").status == 404
    assert "p-bye" not in {p["id"] for p in api.get("/products?sort=new&limit=50").json["items"]}
    deleted = api.request("DELETE", "/admin/products/p-bye", token=owner)
    assert deleted.status == 200 and deleted.json["status"] == "deleted"
    line = next(i for i in api.get("/cart", token=buyer).json["items"] if i["sku_id"] == sku)
    assert line["available"] is False
    assert api.get(f"/orders/{placed.json['order']['id']}", token=buyer).json["lines"][0]["title"] == "纯棉短袖T恤"
    assert "p-bye" not in {p["id"] for p in api.get("/admin/products?limit=50", token=owner).json["items"]}
    assert "p-bye" in {p["id"] for p in api.get("/admin/products?status=deleted", token=owner).json["items"]}
    assert api.post("/admin/products/p-bye/publish", {}, token=owner).status == 404  # deleting is final
    assert call(api, "PUT", "/admin/products/p-bye", {**matrix(), "version": 4}, token=owner).status == 404
    assert audit_actions("p-bye")[-2:] == ["catalog.product.unpublish", "catalog.product.delete"]


def test_admin_list_filters_and_pages(api: Api, owner: str) -> None:
    for n in range(3):
        create(api, owner, id=f"p-list-{n}", title=f"列表商品{n}")
    seen, cursor = [], None
    while True:
        page = api.get("/admin/products?limit=5" + (f"&cursor={cursor}" if cursor else ""), token=owner).json
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and {"p-list-0", "p-list-1", "p-list-2", "p-tee-basic"} <= set(seen)
    off = {p["id"] for p in api.get("/admin/products?status=off_shelf&limit=50", token=owner).json["items"]}
    assert {"p-list-0", "p-list-1", "p-list-2"} <= off and "p-tee-basic" not in off
    found = api.get("/admin/products?q=列表商品1", token=owner).json["items"]
    assert [p["id"] for p in found] == ["p-list-1"]
    in_home = {p["id"] for p in api.get("/admin/products?category=home&limit=50", token=owner).json["items"]}
    assert in_home and not in_home & {"p-list-0", "p-list-1"}
    assert api.get("/admin/products?cursor=bogus", token=owner).status == 400


# ---------------------------------------------------------------- CSV

def _csv(reply: Reply) -> list[dict[str, str]]:
    assert reply.text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(reply.text.removeprefix("\ufeff"))))


def _import(api: Api, token: str, text: str) -> Reply:
    return api.request("POST", "/admin/products/import", body=("\ufeff" + text).encode(), token=token,
                       headers={"content-type": "text/csv"})


def test_export_then_import_changes_nothing(api: Api, owner: str) -> None:
    create(api, owner, id="p-round", video={"url": "https://cdn.example.com/v.mp4", "duration_seconds": 12})
    exported = api.get("/admin/products/export", token=owner)
    assert exported.status == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = _csv(exported)
    tee = [r for r in rows if r["商品ID"] == "p-round"]
    assert len(tee) == 6 and tee[0]["售价(元)"] == "59.00" and tee[0]["库存"] == "20" and tee[0]["状态"] == "下架"
    before = {p: api.get(f"/admin/products/{p}", token=owner).json for p in {r["商品ID"] for r in rows}}
    report = _import(api, owner, exported.text.removeprefix("\ufeff"))
    assert report.status == 200, report.text
    assert report.json["failed"] == [] and report.json["created"] == [] and report.json["updated"] == []
    assert sorted(report.json["unchanged"]) == sorted(before)
    after = {p: api.get(f"/admin/products/{p}", token=owner).json for p in before}
    assert after == before


def test_import_takes_the_good_products_and_reports_the_bad_rows(api: Api, owner: str) -> None:
    header = ("商品ID,标题,副标题,分类ID,状态,图片,视频,详情,标签,排序权重,规格轴,SKU ID,规格,售价(元),划线价(元),库存,"
              "SKU编码,每单限购,每人限购,SKU图片")
    img = IMG.format("csv")
    lines = [
        header,
        f"p-csv-good,帆布包,,shoes-bags,上架,{img},,,,0,颜色:米色|黑色,,颜色=米色,39.90,,5,BAG-1,,,",
        f"p-csv-good,帆布包,,shoes-bags,上架,{img},,,,0,颜色:米色|黑色,,颜色=黑色,39.90,49.00,7,BAG-2,,,",
        f"p-csv-price,杯子,,home,下架,{img},,,,0,颜色:白,,颜色=白,12.345,,1,,,,",
        f"p-csv-cat,袜子,,nope,上架,{img},,,,0,尺码:均码,,尺码=均码,9.90,,1,,,,",
        f"p-csv-matrix,帽子,,apparel,上架,{img},,,,0,颜色:红|蓝,,颜色=红,29.00,,1,,,,",
    ]
    report = _import(api, owner, "\r\n".join(lines) + "\r\n")
    assert report.status == 200, report.text
    assert report.json["created"] == ["p-csv-good"]
    failed = {p["product_id"]: p for p in report.json["failed"]}
    assert set(failed) == {"p-csv-price", "p-csv-cat", "p-csv-matrix"}
    assert failed["p-csv-price"]["line"] == 4 and failed["p-csv-price"]["column"] == "售价(元)"
    assert failed["p-csv-cat"]["line"] == 5 and failed["p-csv-cat"]["column"] == "分类ID" and "不存在" in failed["p-csv-cat"]["message"]
    assert failed["p-csv-matrix"]["line"] == 6 and "缺少规格组合" in failed["p-csv-matrix"]["message"]
    good = api.get("/products/p-csv-good").json
    assert [s["price"] for s in good["skus"]] == [3990, 3990] and [s["stock"] for s in good["skus"]] == [5, 7]
    for bad in ("p-csv-price", "p-csv-cat", "p-csv-matrix"):
        assert api.get(f"/admin/products/{bad}", token=owner).status == 404
    # a stock cell changed on re-import is a ledgered set; an empty one keeps the stock
    lines[1] = lines[1].replace(",5,BAG-1", ",9,BAG-1")
    lines[2] = lines[2].replace(",7,BAG-2", ",,BAG-2")
    again = _import(api, owner, "\r\n".join(lines[:3]) + "\r\n")
    assert again.json["updated"] == ["p-csv-good"], again.text
    assert [s["stock"] for s in api.get("/products/p-csv-good").json["skus"]] == [9, 7]


def test_import_refuses_what_is_not_a_csv_of_this_format(api: Api, owner: str) -> None:
    assert api.request("POST", "/admin/products/import", body=b"a,b\r\n1,2\r\n", token=owner,
                       headers={"content-type": "text/csv"}).error_code == "invalid_csv"
    assert api.request("POST", "/admin/products/import", body=b"\xff\xfe", token=owner,
                       headers={"content-type": "text/csv"}).error_code == "invalid_csv"
    assert api.request("POST", "/admin/products/import", json_body={"a": 1}, token=owner).status == 415


def test_roles_without_catalog_write_cannot_edit(api: Api) -> None:
    service = merchant_token("cs-" + uuid.uuid4().hex[:6], role="customer_service")
    assert api.post("/admin/products", matrix(), token=service).status == 403
