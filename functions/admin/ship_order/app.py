"""POST /admin/orders/{id}/ship - the merchant ships a paid order (merchant token only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import orders
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_SHIP
from shop.buying.models.after_sales import ShipRequest
from shop.buying.models.orders import ID, Order

app = create_app()


@app.post("/admin/orders/<id>/ship", summary="Ship an order", tags=["admin"], security=BEARER,
          responses=responses(Order, 400, 401, 403, 404, 409))
def ship_order(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    body: ShipRequest,
    merchant: Annotated[str, Depends(staff_with(ORDERS_SHIP))],
) -> Response[Order]:
    return ok(orders.ship(id, body.carrier, body.tracking_no, merchant=merchant))


lambda_handler = lambda_handler_for(app)
