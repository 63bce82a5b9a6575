"""PUT /admin/subscribe-templates/{event} - set the subscribe-message template of a shop event
(docs/messages.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.core.models import ID
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.messaging import templates
from shop.messaging.models import SubscribeTemplate, SubscribeTemplateUpdate
from shop.staff.roles import SETTINGS_WRITE

app = create_app()


@app.put("/admin/subscribe-templates/<event>", summary="Set a subscribe-message template", tags=["admin"],
         security=BEARER,
         description="template_id from 微信公众平台; keywords: every keyword of the template -> one of the event's "
         "values (GET /admin/subscribe-templates lists them and the keyword types each fits: 400 "
         "invalid_keyword_mapping names each keyword that does not fit); page: the page the card opens, with "
         "{order_id} filled in (400 invalid_subscribe_page); enabled false keeps it but stops asking for it and "
         "sending it. version: the one GET gave (0 for an event without a template); 409 stale_version when someone "
         "saved in between. 404 subscribe_event_not_found. Audited.",
         responses=responses(SubscribeTemplate, 400, 401, 403, 404, 409, 415))
def put_subscribe_template(
    event: Annotated[str, Path(pattern=ID)],
    body: SubscribeTemplateUpdate,
    merchant: Annotated[str, Depends(staff_with(SETTINGS_WRITE))],
) -> Response[SubscribeTemplate]:
    return ok(templates.save(event, body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
