"""PUT /cart/items/{sku_id} - set a line's quantity (adds the line if new)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import cart
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.catalog.skus import SKU_ID_PATTERN
from shop.buying.models.cart import Cart, CartItemRequest
from shop.edge.openapi import responses

app = create_app()


@app.put("/cart/items/<sku_id>", summary="Put an item in the cart", tags=["cart"], security=BEARER,
         responses=responses(Cart, 400, 401, 403, 404, 409))
def put_cart_item(
    sku_id: Annotated[str, Path(pattern=SKU_ID_PATTERN)],
    body: CartItemRequest,
    user_id: Annotated[str, Depends(active_user)],
) -> Response[Cart]:
    return ok(cart.put(user_id, sku_id, body.quantity))


lambda_handler = lambda_handler_for(app)
