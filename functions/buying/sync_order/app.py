"""POST /orders/{id}/sync - after wx.requestPayment succeeds: ask WeChat Pay now instead of waiting
for its notification, and apply the answer exactly as the notification would be applied."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import orders, payments
from shop.edge.api import create_app, lambda_handler_for, ok, request_domain
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import responses
from shop.buying.models.orders import ID, Order

app = create_app()


@app.post("/orders/<id>/sync", summary="Check the payment now", tags=["orders"], security=BEARER,
          responses=responses(Order, 400, 401, 403, 404, 502, 503))
def sync_order(id: Annotated[str, Path(pattern=ID)], user_id: Annotated[str, Depends(active_user)]) -> Response[Order]:  # noqa: A002
    from shop.adapters.wechat import pay

    pay.prefetch()
    item = orders.owned(user_id, id)
    if item["status"] == orders.PENDING:
        payments.sync(item, domain=request_domain(app))
    return ok(orders.get(user_id, id))


lambda_handler = lambda_handler_for(app)
