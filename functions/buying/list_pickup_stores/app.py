"""GET /pickup-stores - where an order can be collected (到店自提)."""

from aws_lambda_powertools.event_handler import Response

from shop.buying import shipping
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.openapi import responses

app = create_app()


@app.get("/pickup-stores", summary="Pickup stores", tags=["checkout"], responses=responses(shipping.PickupStoreList))
def list_pickup_stores() -> Response[shipping.PickupStoreList]:
    return ok(shipping.PickupStoreList(items=shipping.list_pickup_stores()), cache="public, max-age=300")


lambda_handler = lambda_handler_for(app)
