"""POST /me/subscriptions - what wx.requestSubscribeMessage answered: each accept of a template the shop
sends counts one send for the caller (docs/messages.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import responses
from shop.messaging import subscriptions
from shop.messaging.models import SubscriptionReport, SubscriptionResult

app = create_app()


@app.post("/me/subscriptions", summary="Report subscribe-message choices", tags=["messages"], security=BEARER,
          description="results: wx.requestSubscribeMessage's answer without errMsg, template id -> accept, reject, "
          "ban or filter (1-5). Each accept of an enabled template adds one send the shop may make to the caller "
          "(one-time subscriptions: one accept, one message), up to quota_cap (50) per template; reject, ban and "
          "filter change nothing. remaining: the sends now held per accepted template; ignored: ids the shop does "
          "not send (not configured or disabled).",
          responses=responses(SubscriptionResult, 400, 401, 403, 415))
def report_subscriptions(
    body: SubscriptionReport, user_id: Annotated[str, Depends(active_user)],
) -> Response[SubscriptionResult]:
    return ok(subscriptions.record(user_id, body.results))


lambda_handler = lambda_handler_for(app)
