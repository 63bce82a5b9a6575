"""DELETE /cart/items/{sku_id} - remove a line from the cart."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import cart
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.catalog.skus import SKU_ID_PATTERN
from shop.buying.models.cart import Cart
from shop.edge.openapi import responses

app = create_app()


@app.delete("/cart/items/<sku_id>", summary="Remove an item from the cart", tags=["cart"], security=BEARER,
            responses=responses(Cart, 400, 401, 403))
def delete_cart_item(
    sku_id: Annotated[str, Path(pattern=SKU_ID_PATTERN)],
    user_id: Annotated[str, Depends(active_user)],
) -> Response[Cart]:
    return ok(cart.remove(user_id, sku_id))


lambda_handler = lambda_handler_for(app)
