"""GET /addresses - the buyer's address book, default first."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import addresses
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.buying.models.addresses import AddressList
from shop.edge.openapi import responses

app = create_app()


@app.get("/addresses", summary="List addresses", tags=["addresses"], security=BEARER,
         responses=responses(AddressList, 401))
def list_addresses(user_id: Annotated[str, Depends(current_user)]) -> Response[AddressList]:
    return ok(addresses.list_for(user_id))


lambda_handler = lambda_handler_for(app)
