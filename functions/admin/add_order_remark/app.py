"""POST /admin/orders/{id}/remarks - a merchant remark on an order (staff only, never shown to the
buyer), written with its audit entry in one transaction."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import desk
from shop.buying.models.desk import OrderRemark, OrderRemarkRequest, OrderRemarks
from shop.buying.models.orders import ID
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_WRITE

app = create_app()


@app.post("/admin/orders/<id>/remarks", summary="Add a merchant remark to an order", tags=["admin"], security=BEARER,
          responses=responses(OrderRemarks, 400, 401, 403, 404, 409, status=201, description="Added"))
def add_order_remark(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    body: OrderRemarkRequest,
    merchant: Annotated[str, Depends(staff_with(ORDERS_WRITE))],
) -> Response[OrderRemarks]:
    return ok(OrderRemarks(remarks=[OrderRemark(**r) for r in desk.add_remark(id, body.text, merchant=merchant)]), status=201)


lambda_handler = lambda_handler_for(app)
