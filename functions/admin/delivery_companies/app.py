"""GET /admin/delivery-companies - WeChat's carrier list (get_delivery_list), cached for a day."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import shipments
from shop.buying.models.shipping import CarrierList
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_SHIP

app = create_app()


@app.get("/admin/delivery-companies", summary="Carriers WeChat knows (delivery_id and name)", tags=["admin"],
         security=BEARER, responses=responses(CarrierList, 401, 403, 503))
def delivery_companies(merchant: Annotated[str, Depends(staff_with(ORDERS_SHIP))]) -> Response[CarrierList]:
    return ok(shipments.carriers())


lambda_handler = lambda_handler_for(app)
