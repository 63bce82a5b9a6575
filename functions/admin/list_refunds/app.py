"""GET /admin/refunds - the after-sales queue: refunds in one status, oldest request first."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.buying import after_sales
from shop.buying.models.after_sales import QueuePage, QueueStatus
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import REFUNDS_READ

app = create_app()


@app.get("/admin/refunds", summary="After-sales queue", tags=["admin"], security=BEARER,
         description="Refunds in one status (default REQUESTED: waiting for a decision), oldest request first; "
         "older_than_hours keeps those waiting at least that long. waiting_hours is each one's age.",
         responses=responses(QueuePage, 400, 401, 403))
def list_refunds(
    merchant: Annotated[str, Depends(staff_with(REFUNDS_READ))],
    status: Annotated[QueueStatus, Query()] = "REQUESTED",
    older_than_hours: Annotated[int | None, Query(ge=1, le=24 * 365)] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response[QueuePage]:
    return ok(after_sales.queue(status, older_than_hours=older_than_hours, cursor=cursor, limit=limit))


lambda_handler = lambda_handler_for(app)
