"""GET /admin/orders/exports/{id} - an export's state; when done, its row count and a short-lived
download link."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import exports
from shop.buying.models.desk import OrderExportView
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_EXPORT

app = create_app()


@app.get("/admin/orders/exports/<id>", summary="An order export's state and download link", tags=["admin"],
         security=BEARER, responses=responses(OrderExportView, 400, 401, 403, 404))
def get_order_export(id: Annotated[str, Path(pattern=exports.EXPORT_ID_RE)],  # noqa: A002
                     merchant: Annotated[str, Depends(staff_with(ORDERS_EXPORT))]) -> Response[OrderExportView]:
    return ok(OrderExportView(**exports.view(exports.get(id))))


lambda_handler = lambda_handler_for(app)
