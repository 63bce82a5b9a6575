"""POST /admin/orders/exports - ask for a CSV of the orders placed in a date range: answered at once
(202), produced by OrderExportWorker from the table's stream; GET /admin/orders/exports/{id} says
when it is ready."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import exports
from shop.buying.models.desk import OrderExportRequest, OrderExportView
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_EXPORT

app = create_app()


@app.post("/admin/orders/exports", summary="Export orders of a date range as CSV", tags=["admin"], security=BEARER,
          responses=responses(OrderExportView, 400, 401, 403, status=202, description="Queued"))
def create_order_export(body: OrderExportRequest,
                        merchant: Annotated[str, Depends(staff_with(ORDERS_EXPORT))]) -> Response[OrderExportView]:
    item = exports.create(first=body.from_, last=body.to, status=body.status, delivery=body.delivery, merchant=merchant)
    return ok(OrderExportView(**exports.view(item)), status=202)


lambda_handler = lambda_handler_for(app)
