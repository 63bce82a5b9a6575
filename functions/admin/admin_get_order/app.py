"""GET /admin/orders/{id} - an order for the merchant: the buyer's view plus parcels, refunds and
their decisions, remarks and the timeline; the staff check and the order in one BatchGetItem."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import desk
from shop.buying.models.desk import OrderDetail
from shop.buying.models.orders import ID
from shop.core.errors import NotFound
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, PendingStaff, staff_pending
from shop.edge.openapi import responses
from shop.staff import sessions
from shop.staff.roles import ORDERS_READ

app = create_app()


@app.get("/admin/orders/<id>", summary="An order with its timeline (order desk)", tags=["admin"], security=BEARER,
         responses=responses(OrderDetail, 400, 401, 403, 404))
def admin_get_order(id: Annotated[str, Path(pattern=ID)],  # noqa: A002
                    staff: Annotated[PendingStaff, Depends(staff_pending(ORDERS_READ))]) -> Response[OrderDetail]:
    account, item = desk.fetch_with_account(staff.key, id, account_projection=sessions.PROJECTION,
                                            account_names=sessions.PROJECTION_NAMES)
    staff.confirm(account)
    if item is None:
        raise NotFound("订单不存在。", code="order_not_found")
    return ok(OrderDetail(**desk.detail(item)))


lambda_handler = lambda_handler_for(app)
