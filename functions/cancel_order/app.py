"""POST /orders/{id}/cancel - cancel an unpaid order: its stock is released, its WeChat Pay order closed."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop import orders
from shop.api import create_app, lambda_handler_for, ok
from shop.auth import BEARER, current_user
from shop.models.common import responses
from shop.models.orders import ID, Order

app = create_app()


@app.post("/orders/<id>/cancel", summary="Cancel an unpaid order", tags=["orders"], security=BEARER,
          responses=responses(Order, 400, 401, 404, 409, 502, 503))
def cancel_order(id: Annotated[str, Path(pattern=ID)], user_id: Annotated[str, Depends(current_user)]) -> Response[Order]:  # noqa: A002
    return ok(orders.cancel(user_id, id))


lambda_handler = lambda_handler_for(app)
