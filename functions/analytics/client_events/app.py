"""POST /events - a batch of the mini-program's analytics events (visits with their scene, product
views, add-to-cart, checkout started, shares), from anonymous or logged-in visitors."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.analytics import traffic
from shop.analytics.events import MAX_BATCH_BYTES, EventBatch
from shop.analytics.models import EventsAccepted
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import OPTIONAL_BEARER, lenient_user
from shop.edge.openapi import responses

app = create_app()


@app.post("/events", summary="Send a batch of analytics events", tags=["analytics"], security=OPTIONAL_BEARER,
          description="202 with how many events were taken. Up to 50 events and 32 KB per batch (413 "
          "payload_too_large beyond); a batch sent again with the same batch_id is taken once (counted=false). "
          "A valid shopper token makes the visitor that user, otherwise the anonymous_id is the visitor; an "
          "expired token is not an error here. 429 too_many_events when one visitor sends more than 30 batches "
          "a minute (Retry-After). Openings from WeChat's crawler, tests, remote debugging and load tests "
          "(scenes 1129, 1030, 1101, 1203) are taken and not counted.",
          responses=responses(EventsAccepted, 400, 413, 415, 429, status=202, description="Accepted"))
def send_events(body: EventBatch, user_id: Annotated[str | None, Depends(lenient_user)]) -> Response[EventsAccepted]:
    accepted = traffic.accept(body, user_id)
    return ok(EventsAccepted(accepted=accepted.accepted, counted=accepted.counted, source=accepted.source), status=202)


lambda_handler = lambda_handler_for(app, max_body_bytes=MAX_BATCH_BYTES)
