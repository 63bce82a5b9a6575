"""GET /admin/reconciliation - the recent days' reconciliation status (RECONCILIATION_READ).

One round trip: the staff account and the days' reports in one BatchGetItem."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.buying import reconciliation
from shop.buying.models.reconciliation import ReconciliationList
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, PendingStaff, staff_pending
from shop.edge.openapi import responses
from shop.staff.roles import RECONCILIATION_READ
from shop.staff.sessions import PROJECTION, PROJECTION_NAMES

app = create_app()


@app.get("/admin/reconciliation", summary="Recent days' reconciliation", tags=["admin"], security=BEARER,
         responses=responses(ReconciliationList, 400, 401, 403))
def list_reconciliation(
    staff: Annotated[PendingStaff, Depends(staff_pending(RECONCILIATION_READ))],
    days: Annotated[int, Query(ge=1, le=90, description="how many days back from yesterday (Beijing)")] = 30,
) -> Response[ReconciliationList]:
    wanted = reconciliation.recent_days(days)
    account, reports = reconciliation.read_with_account(wanted, staff.key, full=False, projection=PROJECTION,
                                                        projection_names=PROJECTION_NAMES)
    staff.confirm(account)
    return ok(ReconciliationList(days=[reconciliation.view(d, reports.get(d)) for d in wanted]))


lambda_handler = lambda_handler_for(app)
