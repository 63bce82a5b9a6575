"""GET /admin/orders/{id} - any order, with its refunds (merchant token only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import orders
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.core.errors import NotFound
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_READ
from shop.buying.models.orders import ID, Order

app = create_app()


@app.get("/admin/orders/<id>", summary="An order (merchant)", tags=["admin"], security=BEARER,
         responses=responses(Order, 400, 401, 403, 404))
def admin_get_order(id: Annotated[str, Path(pattern=ID)], merchant: Annotated[str, Depends(staff_with(ORDERS_READ))]) -> Response[Order]:  # noqa: A002
    item, refunds = orders.load_with_children(id)
    if item is None:
        raise NotFound("No such order.", code="order_not_found")
    return ok(orders.view(item, refunds))


lambda_handler = lambda_handler_for(app)
