"""PATCH /admin/orders/{id}/shipments/{shipment_id} - correct a parcel's carrier or tracking number
(WeChat accepts one change after the shipping is complete; a second is 409 reship_used)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import shipments
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_WRITE
from shop.buying.models.orders import ID, Order
from shop.buying.models.shipping import TrackingChange

app = create_app()


@app.patch("/admin/orders/<id>/shipments/<shipment_id>", summary="Change a parcel's tracking number", tags=["admin"],
           security=BEARER, responses=responses(Order, 400, 401, 403, 404, 409, 503))
def change_tracking(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    shipment_id: Annotated[str, Path(pattern=r"^s[0-9]{1,2}$")],
    body: TrackingChange,
    merchant: Annotated[str, Depends(staff_with(ORDERS_WRITE))],
) -> Response[Order]:
    return ok(shipments.change_tracking(id, shipment_id, body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
