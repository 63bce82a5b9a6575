"""POST /admin/orders/{id}/refunds - the merchant refunds some lines of an order (or all of it)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import refunds
from shop.buying.models.after_sales import MerchantRefundRequest
from shop.buying.models.orders import ID, RefundView
from shop.edge.api import create_app, lambda_handler_for, ok, request_domain
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import REFUNDS_DECIDE

app = create_app()


@app.post("/admin/orders/<id>/refunds", summary="Refund part of an order", tags=["admin"], security=BEARER,
          description="lines: units per SKU (omit for everything still refundable). Created approved and sent to "
          "WeChat Pay at once; each unit's share of its line is the same rule as a buyer's request, so partial "
          "refunds add up to what was paid and nothing is refunded twice (409 refund_exceeds_order).",
          responses=responses(RefundView, 400, 401, 403, 404, 409, 502, 503, status=201, description="Created"))
def create_refund(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    body: MerchantRefundRequest,
    merchant: Annotated[str, Depends(staff_with(REFUNDS_DECIDE))],
) -> Response[RefundView]:
    return ok(refunds.merchant_refund(id, body, note=body.note, merchant=merchant, domain=request_domain(app)),
              status=201)


lambda_handler = lambda_handler_for(app)
