"""GET /admin/audit - the audit log, newest first, filtered by dates, actor, target and action."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.edge.api import DAY, create_app, lambda_handler_for, ok, query_day
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import audit
from shop.staff.models import AuditPage
from shop.staff.roles import AUDIT_READ

app = create_app()


@app.get("/admin/audit", summary="The audit log", tags=["admin"], security=BEARER,
         description="Who changed what, when, from what to what. Days are Beijing dates (default the last 7, at "
                     "most 31). action is exact (catalog.product.update) or a prefix ending in a dot (catalog.).",
         responses=responses(AuditPage, 400, 401, 403))
def list_audit(  # noqa: PLR0913 - one parameter per filter
    merchant: Annotated[str, Depends(staff_with(AUDIT_READ))],
    from_: Annotated[str | None, Query(alias="from", pattern=DAY, description="first day (Beijing)")] = None,
    to: Annotated[str | None, Query(pattern=DAY, description="last day (Beijing), included")] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9@._ -]+$")] = None,
    target_type: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,39}$")] = None,
    target_id: Annotated[str | None, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9@._:#-]+$")] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=80, pattern=r"^[a-z0-9_.]+$")] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response[AuditPage]:
    return ok(audit.search(from_day=query_day(from_, "from"), to_day=query_day(to, "to"), actor=actor, target_type=target_type,
                           target_id=target_id, action=action, cursor=cursor, limit=limit))


lambda_handler = lambda_handler_for(app)
