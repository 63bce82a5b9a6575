"""GET /subscribe-templates - the subscribe-message templates the mini-program asks the shopper to
accept (wx.requestSubscribeMessage), by event (docs/messages.md)."""

from aws_lambda_powertools.event_handler import Response

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.openapi import responses
from shop.messaging import templates
from shop.messaging.models import PublicTemplateList

app = create_app()
CACHE = "public, max-age=60"


@app.get("/subscribe-templates", summary="Subscribe-message templates to ask for", tags=["messages"],
         description="The enabled templates, by event (order_shipped: ask when the order is paid; refund_result: "
         "when a refund is requested). Pass the template ids to wx.requestSubscribeMessage (at most 3 per call on "
         "older base libraries, 5 on current ones) and report its answer to POST /me/subscriptions. Cached for a "
         "minute.",
         responses=responses(PublicTemplateList))
def list_subscribe_templates() -> Response[PublicTemplateList]:
    return ok(templates.public_list(), cache=CACHE)


lambda_handler = lambda_handler_for(app)
