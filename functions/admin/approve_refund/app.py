"""POST /admin/refunds/{refund_id}/approve - approve a refund: it goes to WeChat Pay (merchant only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import refunds
from shop.edge.api import create_app, lambda_handler_for, ok, request_domain
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import REFUNDS_DECIDE
from shop.buying.models.after_sales import RefundDecision
from shop.buying.models.orders import REFUND_ID_PATTERN, RefundView

app = create_app()


@app.post("/admin/refunds/<refund_id>/approve", summary="Approve a refund", tags=["admin"], security=BEARER,
          responses=responses(RefundView, 400, 401, 403, 404, 409, 502, 503))
def approve_refund(
    refund_id: Annotated[str, Path(pattern=REFUND_ID_PATTERN)],
    body: RefundDecision,
    merchant: Annotated[str, Depends(staff_with(REFUNDS_DECIDE))],
) -> Response[RefundView]:
    return ok(refunds.approve(refund_id, note=body.note, merchant=merchant, domain=request_domain(app)))


lambda_handler = lambda_handler_for(app)
