"""PUT /admin/settings - set the shop's profile and order rules (docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import settings
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import SETTINGS_WRITE

app = create_app()


@app.put("/admin/settings", summary="Set shop settings", tags=["admin"], security=BEARER,
         description="The whole document: profile and orders (null: the default). version: the one GET gave; "
         "409 stale_version when someone saved in between. New orders use the rules at once; shipping within "
         "SHOP_SETTINGS_MAX_AGE seconds (60). Audited.",
         responses=responses(settings.ShopSettings, 400, 401, 403, 409, 415))
def put_settings(body: settings.SettingsUpdate,
                 merchant: Annotated[str, Depends(staff_with(SETTINGS_WRITE))]) -> Response[settings.ShopSettings]:
    return ok(settings.save(body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
