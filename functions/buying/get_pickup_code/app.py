"""GET /orders/{id}/pickup-code - the code the buyer shows at the store (到店自提; docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import pickup
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.buying.models.orders import ID

app = create_app()


@app.get("/orders/<id>/pickup-code", summary="Pickup code", tags=["orders"], security=BEARER,
         description="For a paid pickup order: 12 digits and the QR payload for the counter (made on the first "
         "request, the same afterwards; status used once collected). 409 not_pickup_order, pickup_not_ready "
         "(unpaid, cancelled, refunded). Another buyer's order is a 404.",
         responses=responses(pickup.PickupCode, 400, 401, 404, 409))
def get_pickup_code(id: Annotated[str, Path(pattern=ID)],  # noqa: A002
                    user_id: Annotated[str, Depends(current_user)]) -> Response[pickup.PickupCode]:
    return ok(pickup.code_for(user_id, id))


lambda_handler = lambda_handler_for(app)
