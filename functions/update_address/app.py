"""PUT /addresses/{id} - replace an address; is_default makes it (or stops it being) the default."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop import addresses
from shop.api import create_app, lambda_handler_for, ok
from shop.auth import BEARER, current_user
from shop.models.addresses import Address, AddressInput
from shop.models.common import responses
from shop.models.common import ID

app = create_app()


@app.put("/addresses/<id>", summary="Update an address", tags=["addresses"], security=BEARER,
         responses=responses(Address, 400, 401, 404))
def update_address(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    body: AddressInput,
    user_id: Annotated[str, Depends(current_user)],
) -> Response[Address]:
    return ok(addresses.update(user_id, id, body))


lambda_handler = lambda_handler_for(app)
