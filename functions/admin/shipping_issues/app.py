"""GET /admin/shipping/issues - what needs the merchant: shipping uploads WeChat refused for good, and
orders WeChat reminded the shop to ship (trade_manage_remind_shipping) that are still unshipped."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.buying import shipments
from shop.buying.models.shipping import ShippingIssues
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_READ

app = create_app()


@app.get("/admin/shipping/issues", summary="Failed shipping uploads and WeChat's reminders to ship", tags=["admin"],
         security=BEARER, description="Newest first; kind keeps one of the two, otherwise both are merged. "
         "Pages of limit, next_cursor until the last.", responses=responses(ShippingIssues, 400, 401, 403))
def shipping_issues(
    merchant: Annotated[str, Depends(staff_with(ORDERS_READ))],
    kind: Annotated[Literal["upload_failed", "remind_shipping"] | None, Query()] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response[ShippingIssues]:
    return ok(shipments.issues(kind=kind, cursor=cursor, limit=limit))


lambda_handler = lambda_handler_for(app)
