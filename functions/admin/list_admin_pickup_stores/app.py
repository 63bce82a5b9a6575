"""GET /admin/pickup-stores - every pickup store with its verifiers and state (docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import shipping
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import SETTINGS_READ

app = create_app()


@app.get("/admin/pickup-stores", summary="Pickup stores (back office)", tags=["admin"], security=BEARER,
         description="Active and inactive stores, with the staff who may verify pickups at each.",
         responses=responses(shipping.AdminPickupStoreList, 401, 403))
def list_admin_pickup_stores(
    merchant: Annotated[str, Depends(staff_with(SETTINGS_READ))],
) -> Response[shipping.AdminPickupStoreList]:
    return ok(shipping.list_admin_stores())


lambda_handler = lambda_handler_for(app)
