"""POST /admin/orders/{id}/ship - ship a paid order: one parcel, or several (split shipping), by
express, same-city delivery, as virtual goods or for pickup; queued for WeChat's shipping upload."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import shipments
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_SHIP
from shop.buying.models.orders import ID, Order
from shop.buying.models.shipping import ShipRequest

app = create_app()


@app.post("/admin/orders/<id>/ship", summary="Ship an order (one or several parcels)", tags=["admin"], security=BEARER,
          description="Each call adds parcels; the order becomes SHIPPED once every unit not refunded is in a "
                      "parcel. The carrier is a delivery_id from GET /admin/delivery-companies or its name. "
                      "The shipping is reported to WeChat (upload_shipping_info) in the background: see "
                      "shipping_upload on the order.",
          responses=responses(Order, 400, 401, 403, 404, 409, 503))
def ship_order(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    body: ShipRequest,
    merchant: Annotated[str, Depends(staff_with(ORDERS_SHIP))],
) -> Response[Order]:
    return ok(shipments.ship(id, body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
