"""GET /orders - the buyer's orders, newest first, optionally by status."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.buying import orders
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.buying.models.orders import OrderPage, OrderStatus

app = create_app()


@app.get("/orders", summary="List my orders", tags=["orders"], security=BEARER, responses=responses(OrderPage, 400, 401))
def list_orders(
    user_id: Annotated[str, Depends(current_user)],
    status: Annotated[OrderStatus | None, Query()] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Response[OrderPage]:
    return ok(orders.list_for(user_id, status=status, cursor=cursor, limit=limit))


lambda_handler = lambda_handler_for(app)
