"""GET /orders/{id} - one of the buyer's orders, with its refunds."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import orders
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.buying.models.orders import ID, Order

app = create_app()


@app.get("/orders/<id>", summary="An order", tags=["orders"], security=BEARER,
         description="Another buyer's order is a 404, exactly like an order that does not exist.",
         responses=responses(Order, 400, 401, 404))
def get_order(id: Annotated[str, Path(pattern=ID)], user_id: Annotated[str, Depends(current_user)]) -> Response[Order]:  # noqa: A002
    return ok(orders.get(user_id, id))


lambda_handler = lambda_handler_for(app)
