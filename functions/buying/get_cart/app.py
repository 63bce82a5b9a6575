"""GET /cart - the buyer's cart with today's prices and stock."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import cart
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.buying.models.cart import Cart
from shop.edge.openapi import responses

app = create_app()


@app.get("/cart", summary="The cart", tags=["cart"], security=BEARER, responses=responses(Cart, 401))
def get_cart(user_id: Annotated[str, Depends(current_user)]) -> Response[Cart]:
    return ok(cart.get(user_id))


lambda_handler = lambda_handler_for(app)
