"""GET /admin/settings/freight - the freight template (docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import shipping
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import SETTINGS_READ

app = create_app()


@app.get("/admin/settings/freight", summary="Freight template", tags=["admin"], security=BEARER,
         responses=responses(shipping.FreightSettings, 401, 403))
def get_freight(merchant: Annotated[str, Depends(staff_with(SETTINGS_READ))]) -> Response[shipping.FreightSettings]:
    return ok(shipping.load_freight())


lambda_handler = lambda_handler_for(app)
