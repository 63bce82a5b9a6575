"""What the benchmarks share: the local backends (as the template configures the functions in AWS:
credentials in a secret), a world of buyers, orders and refunds prepared through the domain code,
and one representative request per function, built fresh for every run."""

from __future__ import annotations

import itertools
import json
import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.local.gateway import LAYER_PATH, Router, build_event, scheduled_event
from infra.local.stack import LocalStack
from infra.local.template import Template

_n = itertools.count()
ADDRESS = {"name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市", "district": "南山区",
           "detail": "科技园路1号"}
PICKUP = {"delivery": "pickup", "pickup_store_id": "sz-nanshan"}
BENCH_SKU = "p-bench.1"


def start_backends() -> LocalStack:
    # Seeding imports the shop package, whose Logger and Metrics read these once, at import.
    globals_env = Template().globals.get("Environment", {}).get("Variables", {})
    for name in ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"):
        os.environ[name] = str(globals_env[name])
    stack = LocalStack(access_log=None, secrets_manager=True, refund_delay=-1).start_backends()
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))
    # This process prepares data with the domain code: give it a function's environment.
    spec = next(f for f in stack.template.functions() if f.logical_id == "CreateOrderFunction")
    os.environ.update(stack.function_environment(spec))
    # ... and every credential (it signs session and merchant tokens too), from the environment
    from infra.local import credentials

    os.environ.update(credentials.function_environment(stack.creds, stack.credentials_dir))
    for variable in credentials.SECRET_VARIABLES:
        os.environ.pop(variable, None)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # this process's own logs would drown the tables
    # The bench's buyer holds many unpaid orders at once (state for the samples): lift the cap that
    # stops a real buyer hoarding stock (docs/orders.md); what is measured does not depend on it.
    os.environ["ORDER_MAX_OPEN_UNPAID"] = "1000000"
    from shop.adapters import aws, config

    aws.reset()
    config.reset()
    return stack


class World:
    """Buyers, orders and refunds in every state a request needs, made through the domain code."""

    def __init__(self, stack: LocalStack) -> None:
        from shop.adapters import signer
        from shop.adapters.wechat.miniprogram import WxSession
        from shop.staff import accounts as staff
        from shop.staff.models import MerchantTokenRequest
        from shop.users import accounts

        self.stack = stack
        self.template = stack.template
        self.router = Router(stack.template.routes())
        self.user_id, _ = accounts.find_or_create_user(WxSession(openid="o-bench", session_key="bench"))
        self.token = signer.issue(self.user_id)[0]
        self.merchant = staff.issue(MerchantTokenRequest(merchant="bench-merchant", by="bench")).token
        self._bench_product()

    @staticmethod
    def _bench_product() -> None:
        """A product whose stock the many orders of a benchmark run cannot exhaust."""
        from shop.catalog import admin

        admin.put_product(admin.ProductInput.model_validate({
            "id": "p-bench", "title": "基准测试商品", "category_id": "home", "images": ["https://img.example.com/b.jpg"],
            "specs": [{"name": "规格", "values": ["标准"]}],
            "skus": [{"id": BENCH_SKU, "specs": {"规格": "标准"}, "price": 9900, "stock": 10_000_000,
                      "max_per_order": 999}],  # the standing paid order holds 999 units to refund one by one
        }), "家居")

    # ------------------------------------------------------------ state
    def new_address(self) -> str:
        from shop.buying import addresses
        from shop.buying.models.addresses import AddressInput

        return addresses.create(self.user_id, AddressInput.model_validate(ADDRESS)).id

    def address(self) -> str:
        """The buyer's one standing address (checkouts and updates use it)."""
        if not hasattr(self, "_address"):
            self._address = self.new_address()
        return self._address

    def room_in_address_book(self) -> None:
        """Delete every address but the standing one (runs add addresses; the book holds 20)."""
        from shop.buying import addresses

        for address in addresses.list_for(self.user_id).items:
            if address.id != self.address():
                addresses.delete(self.user_id, address.id)

    def pending_order(self, quantity: int = 1) -> dict[str, Any]:
        """A new unpaid order (for requests that change it)."""
        from shop.buying import orders, purchase
        from shop.buying.models.checkout import CheckoutRequest

        body = CheckoutRequest.model_validate({"items": [{"sku_id": BENCH_SKU, "quantity": quantity}], **PICKUP})
        created, _ = purchase.create(self.user_id, body, uuid.uuid4().hex, domain=None)
        return orders.load(created.order.id)  # type: ignore[return-value]

    def paid_order(self, quantity: int = 1) -> dict[str, Any]:
        """A new paid order (for requests that change it)."""
        from shop.buying import orders, payments

        order = self.pending_order(quantity)
        self.stack.wechat.pay.pay(out_trade_no=order["order_id"], notify=False)  # type: ignore[union-attr]
        payments.sync(order)
        return orders.load(order["order_id"])  # type: ignore[return-value]

    def standing(self, kind: str) -> dict[str, Any]:
        """One order of each kind kept for requests that read it or take one unit from it, so that a
        run does not grow the table more than it must (moto's index queries slow down with size)."""
        from shop.buying import orders

        cache = self.__dict__.setdefault("_standing", {})
        if kind == "pending" and kind in cache and orders.load(cache[kind]["order_id"])["status"] != orders.PENDING:
            del cache[kind]  # the timers sample cancelled it
        if kind not in cache:
            cache[kind] = self.pending_order() if kind == "pending" else self.paid_order(quantity=999)
        return cache[kind]

    def refund_request(self) -> str:
        """A new refund request, on a new paid order (an order with dozens of refunds is not typical)."""
        from shop.buying import refunds
        from shop.buying.models.after_sales import RefundRequest

        order = self.paid_order()
        return refunds.request(self.user_id, order["order_id"], RefundRequest(reason="bench")).refunds[-1].id

    def awaiting_return(self) -> str:
        """A return (退货退款) of a shipped order that the merchant agreed to: AWAITING_RETURN."""
        from shop.buying import refunds
        from shop.buying.models.after_sales import RefundRequest

        order = self.paid_order()
        _ship(order["order_id"])
        refund_id = refunds.request(self.user_id, order["order_id"],
                                    RefundRequest(reason="bench", kind="return")).refunds[-1].id
        refunds.approve(refund_id, note=None, merchant="bench", domain=None)
        return refund_id

    def light_buyer(self) -> str:
        """A token for a buyer with five orders (the bench's own buyer accumulates hundreds)."""
        if not hasattr(self, "_light"):
            from shop.buying import purchase
            from shop.adapters import signer
            from shop.users import accounts
            from shop.buying.models.checkout import CheckoutRequest
            from shop.adapters.wechat.miniprogram import WxSession

            user_id, _ = accounts.find_or_create_user(WxSession(openid="o-bench-light", session_key="bench"))
            body = CheckoutRequest.model_validate({"items": [{"sku_id": BENCH_SKU, "quantity": 1}], **PICKUP})
            for _ in range(5):
                purchase.create(user_id, body, uuid.uuid4().hex, domain=None)
            self._light = signer.issue(user_id)[0]
        return self._light

    def new_buyer(self) -> tuple[str, str]:
        """A user who signed up just now: (user id, token)."""
        from shop.adapters import signer
        from shop.users import accounts
        from shop.adapters.wechat.miniprogram import WxSession

        user_id, _ = accounts.find_or_create_user(WxSession(openid=f"o-bench-{uuid.uuid4().hex}", session_key="bench"))
        return user_id, signer.issue(user_id)[0]

    def blocked_buyer(self) -> str:
        """A new user the merchant has blocked: their user id."""
        from shop.users import blocking

        user_id = self.new_buyer()[0]
        blocking.block(user_id, "bench", merchant="bench")
        return user_id

    def bench_coupon(self) -> str:
        """A coupon template with room for every claim of a run."""
        if not hasattr(self, "_coupon"):
            from shop.growth import coupons
            from shop.growth.models.coupons import CouponTemplateInput

            self._coupon = coupons.create_template(CouponTemplateInput.model_validate({
                "name": "基准券", "kind": "amount", "amount": 500, "threshold": 5000, "valid_days": 7,
                "total": 10_000_000, "per_user_limit": 1}), merchant="bench").id
        return self._coupon

    def invite_code(self) -> str:
        from shop.growth import invites

        return invites.ensure_code(self.user_id)

    def new_user_record(self) -> dict[str, Any]:
        """The stream record of a user's first login (GrowthEvents grants the gift pack)."""
        from shop.adapters import db

        user_id, _ = self.new_buyer()
        item = db.client().get_item(TableName=db.table(), Key={"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "PROFILE"}})["Item"]
        return {"Records": [{
            "eventID": uuid.uuid4().hex, "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/shop/stream/x",
            "dynamodb": {"Keys": {"PK": item["PK"], "SK": item["SK"]}, "NewImage": item, "SequenceNumber": "100",
                         "SizeBytes": 300, "StreamViewType": "NEW_AND_OLD_IMAGES", "ApproximateCreationDateTime": 1795600000},
        }]}

    def notification_for(self, order: dict[str, Any]) -> tuple[dict[str, str], bytes]:
        """WeChat Pay's TRANSACTION.SUCCESS for ``order``, signed and encrypted by the simulator."""
        pay = self.stack.wechat.pay  # type: ignore[union-attr]
        pay.pay(out_trade_no=order["order_id"], notify=False)
        view = pay._transaction_view(pay.transactions[order["order_id"]])
        return pay.notification("TRANSACTION.SUCCESS", "transaction", view, "支付成功")

    # ------------------------------------------------------------ events
    def http(self, method: str, path: str, body: Any = None, *, auth: str | None = "buyer",
             headers: dict[str, str] | None = None, raw: bytes | None = None) -> dict[str, Any]:
        route, params = self.router.match(method, path.split("?", 1)[0])  # type: ignore[misc]
        hdrs = [("user-agent", "bench"), ("host", "127.0.0.1:3000"), *(headers or {}).items()]
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        if body is not None:
            hdrs.append(("content-type", "application/json"))
        if auth:
            token = {"buyer": self.token, "merchant": self.merchant}.get(auth, auth)
            hdrs.append(("authorization", f"Bearer {token}"))
        return build_event(method=method, target=path, headers=hdrs, body=data, route=route, path_params=params,
                           source_ip="127.0.0.1", host="127.0.0.1:3000")


@dataclass
class Sample:
    label: str
    make: Callable[[World], dict[str, Any]]  # builds the event, preparing fresh state
    expect: int = 200


def _notify(w: World) -> dict[str, Any]:
    headers, body = w.notification_for(w.pending_order())
    return w.http("POST", "/pay/notify", auth=None, headers=headers, raw=body)


SAMPLES: dict[str, Sample] = {
    "LoginFunction": Sample("POST /auth/login (first login)", lambda w: w.http(
        "POST", "/auth/login", {"code": f"bench-{next(_n)}-{uuid.uuid4().hex[:6]}"}, auth=None)),
    "MeFunction": Sample("GET /me", lambda w: w.http("GET", "/me")),
    "ListCategoriesFunction": Sample("GET /categories", lambda w: w.http("GET", "/categories", auth=None)),
    "ListProductsFunction": Sample("GET /products?sort=sales", lambda w: w.http("GET", "/products?sort=sales&limit=20", auth=None)),
    "GetProductFunction": Sample("GET /products/{id}", lambda w: w.http("GET", "/products/p-tee-basic", auth=None)),
    "FallbackFunction": Sample("GET /no/such/route", lambda w: w.http("GET", "/no/such/route", auth=None), 404),
    "GetCartFunction": Sample("GET /cart", lambda w: w.http("GET", "/cart")),
    "PutCartItemFunction": Sample("PUT /cart/items/{sku}", lambda w: w.http("PUT", "/cart/items/p-mug.01", {"quantity": 2})),
    "DeleteCartItemFunction": Sample("DELETE /cart/items/{sku}", lambda w: w.http("DELETE", "/cart/items/p-mug.01")),
    "ListAddressesFunction": Sample("GET /addresses", lambda w: w.http("GET", "/addresses")),
    "CreateAddressFunction": Sample("POST /addresses", lambda w: (w.room_in_address_book(), w.http("POST", "/addresses", ADDRESS))[1], 201),
    "UpdateAddressFunction": Sample("PUT /addresses/{id}", lambda w: w.http("PUT", f"/addresses/{w.address()}", ADDRESS)),
    "DeleteAddressFunction": Sample("DELETE /addresses/{id}", lambda w: w.http("DELETE", f"/addresses/{w.new_address()}"), 204),
    "ParseAddressFunction": Sample("POST /addresses/parse", lambda w: w.http(
        "POST", "/addresses/parse", {"text": "张三 13800138000 广东省深圳市南山区粤海街道科技园路1号"})),
    "ListPickupStoresFunction": Sample("GET /pickup-stores", lambda w: w.http("GET", "/pickup-stores", auth=None)),
    "PreviewOrderFunction": Sample("POST /orders/preview", lambda w: w.http("POST", "/orders/preview", {
        "items": [{"sku_id": "p-tee-basic.02", "quantity": 2}, {"sku_id": "p-mug.01", "quantity": 1}],
        "delivery": "express", "address_id": w.address()})),
    "CreateOrderFunction": Sample("POST /orders", lambda w: w.http("POST", "/orders", {
        "items": [{"sku_id": BENCH_SKU, "quantity": 1}, {"sku_id": "p-mug.01", "quantity": 1}],
        "delivery": "express", "address_id": w.address()}, headers={"idempotency-key": uuid.uuid4().hex}), 201),
    "ListOrdersFunction": Sample("GET /orders (a buyer with 5 orders)", lambda w: w.http("GET", "/orders", auth=w.light_buyer())),
    "GetOrderFunction": Sample("GET /orders/{id}", lambda w: w.http("GET", f"/orders/{w.standing('paid')['order_id']}")),
    "PayOrderFunction": Sample("POST /orders/{id}/pay", lambda w: w.http("POST", f"/orders/{w.standing('pending')['order_id']}/pay")),
    "SyncOrderFunction": Sample("POST /orders/{id}/sync", lambda w: w.http("POST", f"/orders/{w.standing('pending')['order_id']}/sync")),
    "CancelOrderFunction": Sample("POST /orders/{id}/cancel", lambda w: w.http("POST", f"/orders/{w.pending_order()['order_id']}/cancel")),
    "ConfirmOrderFunction": Sample("POST /orders/{id}/confirm", lambda w: w.http("POST", f"/orders/{_shipped(w)}/confirm")),
    "RequestRefundFunction": Sample("POST /orders/{id}/refund", lambda w: w.http(
        "POST", f"/orders/{w.standing('paid')['order_id']}/refund",
        {"reason": "不想要了", "lines": [{"sku_id": BENCH_SKU, "quantity": 1}]}), 201),
    "PayNotifyFunction": Sample("POST /pay/notify (TRANSACTION.SUCCESS)", _notify, 204),
    "ShipOrderFunction": Sample("POST /admin/orders/{id}/ship", lambda w: w.http(
        "POST", f"/admin/orders/{w.paid_order()['order_id']}/ship", {"carrier": "SF", "tracking_no": "SF1234567"},
        auth="merchant")),
    "AdminGetOrderFunction": Sample("GET /admin/orders/{id}", lambda w: w.http(
        "GET", f"/admin/orders/{w.standing('paid')['order_id']}", auth="merchant")),
    "ApproveRefundFunction": Sample("POST /admin/refunds/{id}/approve", lambda w: w.http(
        "POST", f"/admin/refunds/{w.refund_request()}/approve", {}, auth="merchant")),
    "ReceiveReturnFunction": Sample("POST /admin/refunds/{id}/receive (a return)", lambda w: w.http(
        "POST", f"/admin/refunds/{w.awaiting_return()}/receive", {}, auth="merchant")),
    "RejectRefundFunction": Sample("POST /admin/refunds/{id}/reject", lambda w: w.http(
        "POST", f"/admin/refunds/{w.refund_request()}/reject", {"note": "no"}, auth="merchant")),
    "OrderTimersFunction": Sample("scheduled event (one order due)", lambda w: _due(w)),
    "ListCouponsFunction": Sample("GET /coupons (logged in)", lambda w: w.http("GET", "/coupons")),
    "ClaimCouponFunction": Sample("POST /coupons/{id}/claim", lambda w: w.http(
        "POST", f"/coupons/{w.bench_coupon()}/claim", auth=w.new_buyer()[1]), 201),
    "MyCouponsFunction": Sample("GET /me/coupons", lambda w: w.http("GET", "/me/coupons")),
    "CreateCouponTemplateFunction": Sample("POST /admin/coupons", lambda w: w.http("POST", "/admin/coupons", {
        "name": "满200减30", "kind": "amount", "amount": 3000, "threshold": 20000, "valid_days": 30, "total": 100},
        auth="merchant"), 201),
    "ListCouponTemplatesFunction": Sample("GET /admin/coupons", lambda w: w.http("GET", "/admin/coupons", auth="merchant")),
    "UpdateCouponTemplateFunction": Sample("PATCH /admin/coupons/{id} (a new total)", lambda w: w.http(
        "PATCH", "/admin/coupons/c-5-off", {"total": 10_000 + next(_n)}, auth="merchant")),
    "MyShareFunction": Sample("GET /me/share", lambda w: w.http("GET", "/me/share")),
    "ShareQrcodeFunction": Sample("GET /me/share/qrcode", lambda w: w.http("GET", "/me/share/qrcode")),
    "AcceptShareFunction": Sample("POST /share/accept (a new user)", lambda w: w.http(
        "POST", "/share/accept", {"inviter": w.invite_code()}, auth=w.new_buyer()[1])),
    "GetGrowthConfigFunction": Sample("GET /admin/growth", lambda w: w.http("GET", "/admin/growth", auth="merchant")),
    "PutGrowthConfigFunction": Sample("PUT /admin/growth", lambda w: w.http("PUT", "/admin/growth", _growth(), auth="merchant")),
    # -- marketing: subscribe messages (issue 12)
    "ListSubscribeTemplatesFunction": Sample("GET /subscribe-templates", lambda w: w.http(
        "GET", "/subscribe-templates", auth=None)),
    "ReportSubscriptionsFunction": Sample("POST /me/subscriptions (one accept)", lambda w: w.http(
        "POST", "/me/subscriptions", {"results": {_subscribe_template(): "accept"}})),
    "AdminListSubscribeTemplatesFunction": Sample("GET /admin/subscribe-templates", lambda w: w.http(
        "GET", "/admin/subscribe-templates", auth="merchant")),
    "PutSubscribeTemplateFunction": Sample("PUT /admin/subscribe-templates/{event} (a change)", lambda w: w.http(
        "PUT", "/admin/subscribe-templates/refund_result", _subscribe_body("refund_result"), auth="merchant")),
    "GrowthEventsFunction": Sample("stream: a new user (gift pack)", lambda w: w.new_user_record()),
    "MerchantTokensFunction": Sample("invoke: issue a merchant token", lambda w: {"merchant": "bench-merchant", "by": "bench"}),
    "BlockUserFunction": Sample("POST /admin/users/{id}/block", lambda w: w.http(
        "POST", f"/admin/users/{w.new_buyer()[0]}/block", {"reason": "bench"}, auth="merchant")),
    "UnblockUserFunction": Sample("POST /admin/users/{id}/unblock", lambda w: w.http(
        "POST", f"/admin/users/{w.blocked_buyer()}/unblock", auth="merchant")),
    # -- back office: staff (issue 9)
    # staff management and the audit log (bench/staff.py prepares invitations and a member)
    "StaffInviteCreateFunction": Sample("POST /admin/staff/invites", lambda w: w.http(
        "POST", "/admin/staff/invites", {"role": "customer_service", "display_name": "基准店员"}, auth="merchant"), 201),
    "StaffInvitesListFunction": Sample("GET /admin/staff/invites", lambda w: w.http(
        "GET", "/admin/staff/invites", auth="merchant")),
    "StaffInviteWithdrawFunction": Sample("DELETE /admin/staff/invites/{id}", lambda w: w.http(
        "DELETE", f"/admin/staff/invites/{__import__('bench.staff').staff.invite_id()}", auth="merchant")),
    "StaffAcceptFunction": Sample("POST /admin/staff/accept (scrypt N=2^17)", lambda w: w.http(
        "POST", "/admin/staff/accept", __import__("bench.staff").staff.accept_body(), auth=None), 201),
    "StaffAcceptWeChatFunction": Sample("POST /admin/staff/accept-wechat (code2session)", lambda w: w.http(
        "POST", "/admin/staff/accept-wechat", __import__("bench.staff").staff.accept_wechat_body(), auth=None), 201),
    "StaffListFunction": Sample("GET /admin/staff", lambda w: w.http("GET", "/admin/staff", auth="merchant")),
    "StaffUpdateFunction": Sample("PATCH /admin/staff/{name} (display name)", lambda w: w.http(
        "PATCH", f"/admin/staff/{__import__('bench.staff').staff.member()}", {"display_name": f"店员{next(_n)}"},
        auth="merchant")),
    "ListAuditFunction": Sample("GET /admin/audit (the last 7 days)", lambda w: w.http(
        "GET", "/admin/audit", auth="merchant")),
    "StaffSignInFunction": Sample("POST /admin/auth/sign-in (password, scrypt N=2^17)", lambda w: __import__("bench.signin_samples").signin_samples.sign_in(w)),
    "StaffRefreshFunction": Sample("POST /admin/auth/refresh (rotation)", lambda w: __import__("bench.signin_samples").signin_samples.refresh(w)),
    "StaffWeChatSignInFunction": Sample("POST /admin/auth/wechat (a bound verifier)", lambda w: __import__("bench.signin_samples").signin_samples.wechat(w)),
    "StaffTotpSetupFunction": Sample("POST /admin/auth/totp/setup", lambda w: __import__("bench.signin_samples").signin_samples.totp_setup(w)),
    "StaffTotpConfirmFunction": Sample("POST /admin/auth/totp/confirm", lambda w: __import__("bench.signin_samples").signin_samples.totp_confirm(w)),
    "StaffSessionsFunction": Sample("GET /admin/auth/sessions (2 devices)", lambda w: __import__("bench.signin_samples").signin_samples.sessions(w)),
    "StaffEndSessionFunction": Sample("DELETE /admin/auth/sessions/{sid}", lambda w: __import__("bench.signin_samples").signin_samples.end_session(w)),
    "StaffSignOutFunction": Sample("POST /admin/auth/sign-out", lambda w: __import__("bench.signin_samples").signin_samples.sign_out(w)),
    "StaffSignOutEverywhereFunction": Sample("POST /admin/auth/sign-out-everywhere (2 devices)", lambda w: __import__("bench.signin_samples").signin_samples.sign_out_everywhere(w)),
    "StaffUnlockFunction": Sample("POST /admin/staff/{name}/unlock", lambda w: __import__("bench.signin_samples").signin_samples.unlock(w)),
    # -- back office: catalog
    "AdminListCategoriesFunction": Sample("GET /admin/categories", lambda w: __import__("bench.catalog_samples").catalog_samples.admin_list_categories(w)),
    "CreateCategoryFunction": Sample("POST /admin/categories", lambda w: __import__("bench.catalog_samples").catalog_samples.create_category(w), 201),
    "UpdateCategoryFunction": Sample("PATCH /admin/categories/{id} (rename)", lambda w: __import__("bench.catalog_samples").catalog_samples.update_category(w)),
    "OrderCategoriesFunction": Sample("PUT /admin/categories/order", lambda w: __import__("bench.catalog_samples").catalog_samples.order_categories(w)),
    "AdminListProductsFunction": Sample("GET /admin/products", lambda w: __import__("bench.catalog_samples").catalog_samples.admin_list_products(w)),
    "AdminGetProductFunction": Sample("GET /admin/products/{id}", lambda w: __import__("bench.catalog_samples").catalog_samples.admin_get_product(w)),
    "CreateProductFunction": Sample("POST /admin/products (2 x 3 SKUs)", lambda w: __import__("bench.catalog_samples").catalog_samples.create_product(w), 201),
    "UpdateProductFunction": Sample("PUT /admin/products/{id} (a price)", lambda w: __import__("bench.catalog_samples").catalog_samples.update_product(w)),
    "PublishProductFunction": Sample("POST /admin/products/{id}/publish", lambda w: __import__("bench.catalog_samples").catalog_samples.publish_product(w)),
    "UnpublishProductFunction": Sample("POST /admin/products/{id}/unpublish", lambda w: __import__("bench.catalog_samples").catalog_samples.unpublish_product(w)),
    "DeleteProductFunction": Sample("DELETE /admin/products/{id}", lambda w: __import__("bench.catalog_samples").catalog_samples.delete_product(w)),
    "ChangeStockFunction": Sample("POST /admin/skus/{id}/stock (adjust)", lambda w: __import__("bench.catalog_samples").catalog_samples.change_stock(w)),
    "StockLedgerFunction": Sample("GET /admin/skus/{id}/stock-ledger", lambda w: __import__("bench.catalog_samples").catalog_samples.stock_ledger(w)),
    "ExportProductsFunction": Sample("GET /admin/products/export (the demo shop)", lambda w: __import__("bench.catalog_samples").catalog_samples.export_products(w)),
    "ImportProductsFunction": Sample("POST /admin/products/import (one new product)", lambda w: __import__("bench.catalog_samples").catalog_samples.import_products(w)),
    # -- back office: media
    "CreateUploadFunction": Sample("POST /admin/uploads (an image)", lambda w: w.http(
        "POST", "/admin/uploads", {"kind": "image", "content_type": "image/jpeg", "size": 480_000}, auth="merchant"), 201),
    "ThumbnailsFunction": Sample("S3 ObjectCreated (a 1600x1200 JPEG)", lambda w: __import__(
        "bench.media", fromlist=["thumbnail_event"]).thumbnail_event(w)),
    # -- back office: order desk
    "ListOrdersAdminFunction": Sample("GET /admin/orders (one day, unfiltered, 20 rows)", lambda w: __import__(
        "bench.desk_samples", fromlist=["_"]).list_today(w)),
    "AddOrderRemarkFunction": Sample("POST /admin/orders/{id}/remarks", lambda w: w.http(
        "POST", f"/admin/orders/{w.standing('paid')['order_id']}/remarks", {"text": "bench"}, auth="merchant"), 201),
    "CreateOrderExportFunction": Sample("POST /admin/orders/exports (one day)", lambda w: __import__(
        "bench.desk_samples", fromlist=["_"]).create_export(w), 202),
    "GetOrderExportFunction": Sample("GET /admin/orders/exports/{id}", lambda w: __import__(
        "bench.desk_samples", fromlist=["_"]).get_export(w)),
    "OrderExportWorkerFunction": Sample("stream: a new export (today's orders)", lambda w: __import__(
        "bench.desk_samples", fromlist=["_"]).export_record(w)),
    "OrderDeskEventsFunction": Sample("stream: a refund requested (its summary on the order)", lambda w: __import__(
        "bench.desk_samples", fromlist=["_"]).refund_record(w)),
    # -- back office: shipping management and message push
    "ChangeTrackingFunction": Sample("PATCH /admin/orders/{id}/shipments/{shipment_id}", lambda w: __import__(
        "bench.shipping_samples", fromlist=["_"]).change_tracking(w)),
    "DeliveryCompaniesFunction": Sample("GET /admin/delivery-companies", lambda w: w.http(
        "GET", "/admin/delivery-companies", auth="merchant")),
    "ShippingIssuesFunction": Sample("GET /admin/shipping/issues", lambda w: w.http(
        "GET", "/admin/shipping/issues", auth="merchant")),
    "ShippingUploadsFunction": Sample("scheduled event (one shipment due)", lambda w: __import__(
        "bench.shipping_samples", fromlist=["_"]).upload_due(w)),
    "WeChatPushVerifyFunction": Sample("GET /wechat/push (URL verification)", lambda w: __import__(
        "bench.shipping_samples", fromlist=["_"]).verify(w)),
    "WeChatPushFunction": Sample("POST /wechat/push (safe mode, settlement)", lambda w: __import__(
        "bench.shipping_samples", fromlist=["_"]).settlement_push(w)),
    # -- analytics and the data dashboard
    "ClientEventsFunction": Sample("POST /events (a batch of 20 events)", lambda w: __import__(
        "bench.analytics_samples", fromlist=["_"]).send_events(w), expect=202),
    "AggregateStatsFunction": Sample("stream: an order paid (the dashboard's counters)", lambda w: __import__(
        "bench.analytics_samples", fromlist=["_"]).paid_record(w)),
    "DashboardFunction": Sample("GET /admin/dashboard (today)", lambda w: __import__(
        "bench.analytics_samples", fromlist=["_"]).dashboard_today(w)),
    "RollupStatsFunction": Sample("scheduled event (hourly roll-up)", lambda w: scheduled_event("RollupStatsFunction")),
    # -- back office: reconciliation
    "ReconciliationListFunction": Sample("GET /admin/reconciliation", lambda w: w.http(
        "GET", "/admin/reconciliation", auth="merchant")),
    "ReconciliationGetFunction": Sample("GET /admin/reconciliation/{day} (yesterday)", lambda w: w.http(
        "GET", f"/admin/reconciliation/{__import__('shop.buying.reconciliation').buying.reconciliation.recent_days(1)[0]}",
        auth="merchant")),
    "ReconciliationRunFunction": Sample("POST /admin/reconciliation/{day}/run (a day WeChat Pay has no bill for)", lambda w: w.http(
        "POST", f"/admin/reconciliation/{__import__('shop.buying.reconciliation').buying.reconciliation.recent_days(2)[1]}/run",
        auth="merchant")),
    "ReconciliationWorkerFunction": Sample("scheduled event (hourly)", lambda w: scheduled_event("ReconciliationWorkerFunction")),
    # -- back office: settings and pickup
    "GetSettingsFunction": Sample("GET /admin/settings", lambda w: w.http("GET", "/admin/settings", auth="merchant")),
    "PutSettingsFunction": Sample("PUT /admin/settings", lambda w: w.http("PUT", "/admin/settings", _settings_body(),
                                                                          auth="merchant")),
    "GetFreightFunction": Sample("GET /admin/settings/freight", lambda w: w.http("GET", "/admin/settings/freight",
                                                                                 auth="merchant")),
    "PutFreightFunction": Sample("PUT /admin/settings/freight", lambda w: w.http("PUT", "/admin/settings/freight",
                                                                                 _freight_body(), auth="merchant")),
    "ListAdminPickupStoresFunction": Sample("GET /admin/pickup-stores", lambda w: w.http("GET", "/admin/pickup-stores",
                                                                                        auth="merchant")),
    "PutPickupStoreFunction": Sample("PUT /admin/pickup-stores/{id} (a change)", lambda w: w.http(
        "PUT", "/admin/pickup-stores/bench-store", _store_body(), auth="merchant")),
    "DeletePickupStoreFunction": Sample("DELETE /admin/pickup-stores/{id}", lambda w: w.http(
        "DELETE", f"/admin/pickup-stores/{_new_store()}", auth="merchant"), 204),
    "VerifyPickupFunction": Sample("POST /admin/pickup/verify", lambda w: w.http(
        "POST", "/admin/pickup/verify", {"code": _pickup_code(w), "store_id": "sz-nanshan"}, auth="merchant")),
    "GetPickupCodeFunction": Sample("GET /orders/{id}/pickup-code (first request)", lambda w: w.http(
        "GET", f"/orders/{w.paid_order()['order_id']}/pickup-code")),
    # -- back office: after-sales and customers
    "ListRefundsFunction": Sample("GET /admin/refunds (the queue)", lambda w: w.http(
        "GET", "/admin/refunds?status=REQUESTED&limit=20", auth="merchant")),
    "CreateRefundFunction": Sample("POST /admin/orders/{id}/refunds (one line)", lambda w: w.http(
        "POST", f"/admin/orders/{w.paid_order()['order_id']}/refunds", {"reason": "缺货"}, auth="merchant"), 201),
    "ListCustomersFunction": Sample("GET /admin/customers", lambda w: w.http("GET", "/admin/customers?limit=20", auth="merchant")),
    "GetCustomerFunction": Sample("GET /admin/customers/{id}", lambda w: w.http(
        "GET", f"/admin/customers/{w.new_buyer()[0]}", auth="merchant")),
}


# -- back office: settings and pickup (helpers)
def _settings_body() -> dict[str, Any]:
    from shop.buying import settings

    current = settings.load()
    return {"version": current.version, "profile": {"name": f"基准小铺{next(_n)}"}, "orders": {}}


def _freight_body() -> dict[str, Any]:
    from shop.buying import shipping

    current = shipping.load_freight().model_dump(mode="json", exclude={"updated_at", "updated_by"})
    return {**current, "default_fee": 800 + next(_n) % 100}


def _store_fields(name: str) -> dict[str, Any]:
    return {"name": name, "address": "广东省深圳市福田区深南大道1号", "phone": "0755-88880000", "hours": "10:00-21:00",
            "verifiers": ["bench-counter"]}


def _store_body() -> dict[str, Any]:
    from shop.buying import shipping

    current = next((s for s in shipping.list_admin_stores().items if s.id == "bench-store"), None)
    return {"version": current.version if current else 0, **_store_fields(f"基准门店{next(_n)}")}


def _new_store() -> str:
    from shop.buying import shipping

    store_id = f"bench-del-{next(_n)}"
    shipping.save_store(store_id, shipping.PickupStoreInput.model_validate({"version": 0, **_store_fields("待删除门店")}),
                        merchant="bench")
    return store_id


def _pickup_code(w: World) -> str:
    from shop.buying import pickup

    return pickup.code_for(w.user_id, w.paid_order()["order_id"]).code


BENCH_TEMPLATE_ID = "bench-order-shipped-0001"


def _subscribe_body(event: str, template_id: str | None = None) -> dict[str, Any]:
    """The event's template, enabled, at its current version (so each run is a change, not a 409)."""
    from shop.messaging import templates

    current = next(e for e in templates.catalogue().items if e.event == event).config
    return {"template_id": template_id or f"bench-{event.replace('_', '-')}-{next(_n)}",
            "keywords": {"character_string1": "order_id", "thing2": "product_title"}, "enabled": True,
            "version": current.version if current else 0}


def _subscribe_template() -> str:
    """A template the shop sends (order_shipped), saved once."""
    from shop.messaging import templates
    from shop.messaging.models import SubscribeTemplateUpdate

    if "order_shipped" not in templates.enabled():
        body = _subscribe_body("order_shipped", BENCH_TEMPLATE_ID)
        templates.save("order_shipped", SubscribeTemplateUpdate.model_validate(body), merchant="bench-merchant")
    return BENCH_TEMPLATE_ID


def _growth() -> dict[str, Any]:
    from infra.seed.demo_shop import GROWTH

    return GROWTH


def _ship(order_id: str) -> None:
    from shop.buying import shipments
    from shop.buying.models.shipping import ShipRequest

    shipments.ship(order_id, ShipRequest(carrier="顺丰速运", tracking_no="SF7654321"), merchant="bench")


def _shipped(w: World) -> str:
    order = w.paid_order()
    _ship(order["order_id"])
    return order["order_id"]


def _due(w: World) -> dict[str, Any]:
    """Exactly one order due: earlier samples' unpaid orders are cancelled first."""
    from shop.buying import orders

    from shop.adapters import db

    for item in orders.due(2**40):
        if item.get("type") == "refund":  # earlier samples' refunds have timers too: not this sample's work
            db.client().update_item(TableName=db.table(), Key={"PK": {"S": item["PK"]}, "SK": {"S": item["SK"]}},
                                    UpdateExpression="REMOVE due_shard, due_at")
        elif item["status"] == orders.PENDING:
            orders.cancel_pending(item, reason="user", at=item["deadline_at"])
    order = w.pending_order()
    return scheduled_event("OrderTimersFunction", order["deadline_at"] + 1)


def status_of(result: Any) -> int:
    """The HTTP status of a function's result (scheduled functions answer a plain document: 200)."""
    return int(result["statusCode"]) if isinstance(result, dict) and "statusCode" in result else 200


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [headers] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])


def out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


__all__ = ["SAMPLES", "Template", "World", "start_backends", "status_of", "table", "out"]

