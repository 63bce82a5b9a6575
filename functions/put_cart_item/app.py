"""PUT /cart/items/{sku_id} - set a line's quantity (adds the line if new)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop import cart
from shop.api import create_app, lambda_handler_for, ok
from shop.auth import BEARER, current_user
from shop.skus import SKU_ID_PATTERN
from shop.models.cart import Cart, CartItemRequest
from shop.models.common import responses

app = create_app()


@app.put("/cart/items/<sku_id>", summary="Put an item in the cart", tags=["cart"], security=BEARER,
         responses=responses(Cart, 400, 401, 404, 409))
def put_cart_item(
    sku_id: Annotated[str, Path(pattern=SKU_ID_PATTERN)],
    body: CartItemRequest,
    user_id: Annotated[str, Depends(current_user)],
) -> Response[Cart]:
    return ok(cart.put(user_id, sku_id, body.quantity))


lambda_handler = lambda_handler_for(app)
