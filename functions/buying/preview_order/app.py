"""POST /orders/preview - the full price of a checkout, and what is unavailable. No side effects."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import checkout
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.buying.models.checkout import CheckoutRequest, Quote

app = create_app()


@app.post("/orders/preview", summary="Price a checkout", tags=["orders"], security=BEARER,
          description="Lines, goods total, freight, discounts and payable, all integers in fen, and a problem "
          "for anything that cannot be ordered as asked. Reads only.",
          responses=responses(Quote, 400, 401))
def preview_order(body: CheckoutRequest, user_id: Annotated[str, Depends(current_user)]) -> Response[Quote]:
    return ok(checkout.quote(body, checkout.load(user_id, body, with_held=True)))


lambda_handler = lambda_handler_for(app)
