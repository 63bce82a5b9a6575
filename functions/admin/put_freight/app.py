"""PUT /admin/settings/freight - set the freight template (docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import shipping
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import SETTINGS_WRITE

app = create_app()


@app.put("/admin/settings/freight", summary="Set the freight template", tags=["admin"], security=BEARER,
         description="mode flat (province_fees, default_fee), weight (首重/续重 in grams, each SKU's weight_grams) "
         "or count (首件/续件): default_rule and region_rules; free_threshold (包邮) and unreachable provinces for "
         "all. version: the one GET gave (409 stale_version otherwise). Checkout and new orders use it at once. "
         "Audited.",
         responses=responses(shipping.FreightSettings, 400, 401, 403, 409, 415))
def put_freight(body: shipping.FreightUpdate,
                merchant: Annotated[str, Depends(staff_with(SETTINGS_WRITE))]) -> Response[shipping.FreightSettings]:
    return ok(shipping.save_freight(body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
