"""GET /admin/dashboard - the data dashboard (数据看板): a Beijing day by hour, or a range of days
(DASHBOARD_READ). A day is 2 DynamoDB round trips: the staff check and one Query."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.adapters.clock import business_day
from shop.analytics import dashboard
from shop.analytics.models import DashboardDay, DashboardRange
from shop.core.errors import InvalidRequest
from shop.edge.api import DAY, create_app, lambda_handler_for, ok, query_day
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import DASHBOARD_READ

app = create_app()


@app.get("/admin/dashboard", summary="The data dashboard", tags=["admin"], security=BEARER,
         description="With `day` (or nothing: today, Beijing time): that day's totals, its 24 hours, traffic "
         "sources and top products (DashboardDay). With `from` and `to` (inclusive Beijing days, at most 366): the "
         "range's totals, each day and the sources (DashboardRange). 400 invalid_date, bad_range (to before from), "
         "range_too_long, invalid_request (day together with from/to, or only one of from/to). Metric definitions: "
         "docs/analytics.md.",
         responses=responses(DashboardDay | DashboardRange, 400, 401, 403,  # type: ignore[arg-type]
                             description="DashboardDay, or DashboardRange for from/to"))
def get_dashboard(
    staff: Annotated[str, Depends(staff_with(DASHBOARD_READ))],
    day: Annotated[str | None, Query(pattern=DAY, description="a Beijing day, YYYY-MM-DD; default today")] = None,
    from_: Annotated[str | None, Query(alias="from", pattern=DAY, description="first day of a range")] = None,
    to: Annotated[str | None, Query(pattern=DAY, description="last day of a range (inclusive)")] = None,
) -> Response[Any]:
    if from_ is None and to is None:
        return ok(dashboard.day_view(query_day(day, "day") or business_day()))
    if day is not None or from_ is None or to is None:
        raise InvalidRequest("Send either day, or both from and to.", code="invalid_request")
    return ok(dashboard.range_view(query_day(from_, "from"), query_day(to, "to")))


lambda_handler = lambda_handler_for(app)
