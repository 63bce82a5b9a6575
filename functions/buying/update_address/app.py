"""PUT /addresses/{id} - replace an address; is_default makes it (or stops it being) the default."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import addresses
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.buying.models.addresses import Address, AddressInput
from shop.edge.openapi import responses
from shop.core.models import ID

app = create_app()


@app.put("/addresses/<id>", summary="Update an address", tags=["addresses"], security=BEARER,
         responses=responses(Address, 400, 401, 403, 404))
def update_address(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    body: AddressInput,
    user_id: Annotated[str, Depends(active_user)],
) -> Response[Address]:
    return ok(addresses.update(user_id, id, body))


lambda_handler = lambda_handler_for(app)
