"""GET /admin/settings - the shop's profile and order rules (docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import settings
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import SETTINGS_READ

app = create_app()


@app.get("/admin/settings", summary="Shop settings", tags=["admin"], security=BEARER,
         description="profile (name, logo, service phone) and orders (unpaid timeout, auto-complete days, buyer "
         "limits; null = the environment's default, shown in defaults). effective: what applies now. Send version "
         "back with PUT.",
         responses=responses(settings.ShopSettings, 401, 403))
def get_settings(merchant: Annotated[str, Depends(staff_with(SETTINGS_READ))]) -> Response[settings.ShopSettings]:
    return ok(settings.load())


lambda_handler = lambda_handler_for(app)
