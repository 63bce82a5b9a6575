"""POST /addresses - add an address (the first one becomes the default)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import addresses
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.buying.models.addresses import Address, AddressInput
from shop.edge.openapi import responses

app = create_app()


@app.post("/addresses", summary="Add an address", tags=["addresses"], security=BEARER,
          responses=responses(Address, 400, 401, 403, 409, status=201, description="Created"))
def create_address(body: AddressInput, user_id: Annotated[str, Depends(active_user)]) -> Response[Address]:
    return ok(addresses.create(user_id, body), status=201)


lambda_handler = lambda_handler_for(app)
