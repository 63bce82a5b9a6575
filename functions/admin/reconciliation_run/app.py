"""POST /admin/reconciliation/{day}/run - reconcile a finished Beijing day again now
(RECONCILIATION_RUN): 200 with the new report (clean, differences or error), 409 bill_not_ready
while WeChat Pay has not published the day's bill. Replaces the day's report, audited."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.adapters.wechat import pay
from shop.buying import reconciliation
from shop.buying.models.reconciliation import DAY, Report
from shop.core.errors import Conflict
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import RECONCILIATION_RUN

app = create_app()


@app.post("/admin/reconciliation/<day>/run", summary="Re-run a day's reconciliation", tags=["admin"], security=BEARER,
          responses=responses(Report, 400, 401, 403, 409))
def run_reconciliation(
    day: Annotated[str, Path(pattern=DAY)],
    merchant: Annotated[str, Depends(staff_with(RECONCILIATION_RUN))],
) -> Response[Report]:
    from shop.adapters.wechat.bills import BillNotReady

    wanted = reconciliation.parse_day(day)
    pay.prefetch()
    try:
        report = reconciliation.run(wanted, actor=merchant)
    except BillNotReady:
        raise Conflict("微信支付还没有生成这一天的账单（通常次日 10:00 后可下载），请稍后再试。", code="bill_not_ready",
                       details={"day": wanted.isoformat()}) from None
    return ok(Report.model_validate({k: v for k, v in report.items() if k not in ("PK", "SK", "type")}))


lambda_handler = lambda_handler_for(app)
