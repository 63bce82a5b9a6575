"""GET /cart - the buyer's cart with today's prices and stock."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop import cart
from shop.api import create_app, lambda_handler_for, ok
from shop.auth import BEARER, current_user
from shop.models.cart import Cart
from shop.models.common import responses

app = create_app()


@app.get("/cart", summary="The cart", tags=["cart"], security=BEARER, responses=responses(Cart, 401))
def get_cart(user_id: Annotated[str, Depends(current_user)]) -> Response[Cart]:
    return ok(cart.get(user_id))


lambda_handler = lambda_handler_for(app)
