"""POST /orders/{id}/confirm - the buyer confirms receipt (SHIPPED -> COMPLETED)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import orders
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import responses
from shop.buying.models.orders import ID, Order

app = create_app()


@app.post("/orders/<id>/confirm", summary="Confirm receipt", tags=["orders"], security=BEARER,
          responses=responses(Order, 400, 401, 403, 404, 409))
def confirm_order(id: Annotated[str, Path(pattern=ID)], user_id: Annotated[str, Depends(active_user)]) -> Response[Order]:  # noqa: A002
    return ok(orders.confirm(user_id, id))


lambda_handler = lambda_handler_for(app)
