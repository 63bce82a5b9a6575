"""POST /orders/{id}/pay - payment parameters again, for an order still awaiting payment."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import purchase
from shop.edge.api import create_app, lambda_handler_for, ok, request_domain
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import responses
from shop.buying.models.orders import ID, PaymentParams

app = create_app()


@app.post("/orders/<id>/pay", summary="Pay again", tags=["orders"], security=BEARER,
          responses=responses(PaymentParams, 400, 401, 403, 404, 409, 502, 503))
def pay_order(id: Annotated[str, Path(pattern=ID)], user_id: Annotated[str, Depends(active_user)]) -> Response[PaymentParams]:  # noqa: A002
    return ok(purchase.pay(user_id, id, request_domain(app)))


lambda_handler = lambda_handler_for(app)
