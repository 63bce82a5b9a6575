"""GET /admin/reconciliation/{day} - a day's reconciliation report with every difference
(RECONCILIATION_READ). One round trip: the staff account and the report in one BatchGetItem."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import reconciliation
from shop.buying.models.reconciliation import DAY, Report
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, PendingStaff, staff_pending
from shop.edge.openapi import responses
from shop.staff.roles import RECONCILIATION_READ
from shop.staff.sessions import PROJECTION, PROJECTION_NAMES

app = create_app()


@app.get("/admin/reconciliation/<day>", summary="A day's reconciliation report", tags=["admin"], security=BEARER,
         responses=responses(Report, 400, 401, 403))
def get_reconciliation(
    day: Annotated[str, Path(pattern=DAY)],
    staff: Annotated[PendingStaff, Depends(staff_pending(RECONCILIATION_READ))],
) -> Response[Report]:
    wanted = reconciliation.parse_day(day).isoformat()
    account, reports = reconciliation.read_with_account([wanted], staff.key, full=True, projection=PROJECTION,
                                                        projection_names=PROJECTION_NAMES)
    staff.confirm(account)
    return ok(Report.model_validate(reconciliation.view(wanted, reports.get(wanted))))


lambda_handler = lambda_handler_for(app)
