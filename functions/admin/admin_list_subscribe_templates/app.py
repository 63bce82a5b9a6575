"""GET /admin/subscribe-templates - every shop event a subscribe message can be about, its values and
the merchant's template (docs/messages.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.messaging import templates
from shop.messaging.models import SubscribeEventList
from shop.staff.roles import SETTINGS_READ

app = create_app()


@app.get("/admin/subscribe-templates", summary="Subscribe-message templates", tags=["admin"], security=BEARER,
         description="Each event (order_shipped, refund_result) with its Chinese label, the values a template's "
         "keywords can map to (name, label, example, the keyword types each fits) and the merchant's template "
         "(config; null until saved: PUT with version 0). quota_cap: the sends one shopper can hold per template.",
         responses=responses(SubscribeEventList, 401, 403))
def admin_list_subscribe_templates(
    merchant: Annotated[str, Depends(staff_with(SETTINGS_READ))],
) -> Response[SubscribeEventList]:
    return ok(templates.catalogue())


lambda_handler = lambda_handler_for(app)
