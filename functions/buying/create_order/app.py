"""POST /orders - place an order: reserve stock, start the payment deadline, prepay with WeChat Pay."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Header

from shop.buying import purchase
from shop.edge.api import create_app, lambda_handler_for, ok, request_domain
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.buying.models.checkout import CheckoutRequest
from shop.buying.models.orders import CreatedOrder

app = create_app()


@app.post(
    "/orders", summary="Place an order", tags=["orders"], security=BEARER,
    description="Prices every line on the server (the body carries no prices), reserves the stock of every "
    "line in one transaction, and returns the wx.requestPayment parameters. Send a new Idempotency-Key per "
    "order: a retry with the same key returns the same order and never makes a second one (400 "
    "idempotency_key_required without one; 409 idempotency_key_reused when the key came with a different body). "
    "409 when the order cannot be placed as asked, with the code of the first problem the preview would show "
    "(out_of_stock naming the SKUs, address_required, coupon_locked, ...) or coupon_unavailable when another "
    "order took a coupon at the same moment; nothing is reserved then.",
    responses=responses(CreatedOrder, 400, 401, 403, 409, status=201, description="Created (or the same order again)"),
)
def create_order(
    body: CheckoutRequest,
    user_id: Annotated[str, Depends(current_user)],
    idempotency_key: Annotated[str | None, Header(
        alias="idempotency-key", description="Required: a new random value per order, 8-64 of [A-Za-z0-9_-] "
        "(missing: 400 idempotency_key_required; malformed: 400 invalid_idempotency_key)")] = None,
) -> Response[CreatedOrder]:
    created, _ = purchase.create(user_id, body, purchase.check_idempotency_key(idempotency_key), domain=request_domain(app))
    return ok(created, status=201)


lambda_handler = lambda_handler_for(app)
