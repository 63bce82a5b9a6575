"""POST /orders/{id}/cancel - cancel an unpaid order: its stock is released, its WeChat Pay order closed."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import purchase
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import responses
from shop.buying.models.orders import ID, Order

app = create_app()


@app.post("/orders/<id>/cancel", summary="Cancel an unpaid order", tags=["orders"], security=BEARER,
          responses=responses(Order, 400, 401, 403, 404, 409, 502, 503))
def cancel_order(id: Annotated[str, Path(pattern=ID)], user_id: Annotated[str, Depends(active_user)]) -> Response[Order]:  # noqa: A002
    return ok(purchase.cancel(user_id, id))


lambda_handler = lambda_handler_for(app)
