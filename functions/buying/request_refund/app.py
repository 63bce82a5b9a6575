"""POST /orders/{id}/refund - ask for a refund of the whole order or of some units (售后申请)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import refunds
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import responses
from shop.buying.models.after_sales import RefundRequest
from shop.buying.models.orders import ID, Order

app = create_app()


@app.post("/orders/<id>/refund", summary="Ask for a refund", tags=["orders"], security=BEARER,
          description="The merchant approves or rejects it; see docs/refunds.md for the policy.",
          responses=responses(Order, 400, 401, 403, 404, 409, status=201, description="Requested"))
def request_refund(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    body: RefundRequest,
    user_id: Annotated[str, Depends(active_user)],
) -> Response[Order]:
    return ok(refunds.request(user_id, id, body), status=201)


lambda_handler = lambda_handler_for(app)
