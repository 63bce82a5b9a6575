"""DELETE /cart/items/{sku_id} - remove a line from the cart."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop import cart
from shop.api import create_app, lambda_handler_for, ok
from shop.auth import BEARER, current_user
from shop.skus import SKU_ID_PATTERN
from shop.models.cart import Cart
from shop.models.common import responses

app = create_app()


@app.delete("/cart/items/<sku_id>", summary="Remove an item from the cart", tags=["cart"], security=BEARER,
            responses=responses(Cart, 400, 401))
def delete_cart_item(
    sku_id: Annotated[str, Path(pattern=SKU_ID_PATTERN)],
    user_id: Annotated[str, Depends(current_user)],
) -> Response[Cart]:
    return ok(cart.remove(user_id, sku_id))


lambda_handler = lambda_handler_for(app)
