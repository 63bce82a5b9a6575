"""GET /pickup-stores - where an order can be collected (到店自提)."""

from aws_lambda_powertools.event_handler import Response

from shop import shipping
from shop.api import create_app, lambda_handler_for, ok
from shop.models.common import responses

app = create_app()


@app.get("/pickup-stores", summary="Pickup stores", tags=["checkout"], responses=responses(shipping.PickupStoreList))
def list_pickup_stores() -> Response[shipping.PickupStoreList]:
    return ok(shipping.PickupStoreList(items=shipping.list_pickup_stores()), cache="public, max-age=300")


lambda_handler = lambda_handler_for(app)
