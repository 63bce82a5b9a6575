"""POST /admin/refunds/{refund_id}/receive - the merchant has the returned goods (退货退款): they go
back on sale and the money goes to WeChat Pay (merchant only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import refunds
from shop.edge.api import create_app, lambda_handler_for, ok, request_domain
from shop.edge.auth import BEARER, staff_with
from shop.buying.models.after_sales import RefundDecision
from shop.edge.openapi import responses
from shop.staff.roles import REFUNDS_RECEIVE
from shop.buying.models.orders import REFUND_ID_PATTERN, RefundView

app = create_app()


@app.post(
    "/admin/refunds/<refund_id>/receive", summary="Record a return as received", tags=["admin"], security=BEARER,
    description="For a return (kind return) the merchant approved (AWAITING_RETURN): the returned units go back "
    "on sale and the refund is sent to WeChat Pay (PROCESSING), in that order. Receiving twice answers the refund "
    "as it is; 409 refund_not_awaiting_return for any other refund.",
    responses=responses(RefundView, 400, 401, 403, 404, 409, 502, 503),
)
def receive_return(
    refund_id: Annotated[str, Path(pattern=REFUND_ID_PATTERN)],
    body: RefundDecision,
    merchant: Annotated[str, Depends(staff_with(REFUNDS_RECEIVE))],
) -> Response[RefundView]:
    return ok(refunds.receive_return(refund_id, note=body.note, merchant=merchant, domain=request_domain(app)))


lambda_handler = lambda_handler_for(app)
