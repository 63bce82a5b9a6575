"""PUT /admin/pickup-stores/{id} - create or change a pickup store (docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import shipping
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import SETTINGS_WRITE

app = create_app()


@app.put("/admin/pickup-stores/<id>", summary="Save a pickup store", tags=["admin"], security=BEARER,
         description="version 0 creates the store (409 stale_version if it exists); otherwise the version GET gave. "
         "verifiers: staff names who may verify pickups here. active false: no longer offered at checkout. Audited.",
         responses=responses(shipping.AdminPickupStore, 400, 401, 403, 404, 409, 415))
def put_pickup_store(
    id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")],  # noqa: A002
    body: shipping.PickupStoreInput,
    merchant: Annotated[str, Depends(staff_with(SETTINGS_WRITE))],
) -> Response[shipping.AdminPickupStore]:
    return ok(shipping.save_store(id, body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
