"""GET /admin/orders - the shop's orders for its staff, newest first, with the desk's filters."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.buying import desk
from shop.buying.models.desk import OrderDeskPage, OrderRow
from shop.buying.models.orders import OrderStatus
from shop.core.models import Delivery
from shop.edge.api import DAY, create_app, lambda_handler_for, ok, query_day
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import ORDERS_READ

app = create_app()


@app.get("/admin/orders", summary="List orders (order desk)", tags=["admin"], security=BEARER,
         responses=responses(OrderDeskPage, 400, 401, 403))
def list_orders_admin(  # noqa: PLR0913 - one parameter per filter
    merchant: Annotated[str, Depends(staff_with(ORDERS_READ))],
    status: Annotated[OrderStatus | None, Query()] = None,
    placed_from: Annotated[str | None, Query(pattern=DAY, description="Placed on or after (Beijing date)")] = None,
    placed_to: Annotated[str | None, Query(pattern=DAY, description="Placed on or before (Beijing date)")] = None,
    paid_from: Annotated[str | None, Query(pattern=DAY, description="Paid on or after (Beijing date)")] = None,
    paid_to: Annotated[str | None, Query(pattern=DAY, description="Paid on or before (Beijing date)")] = None,
    order_id: Annotated[str | None, Query(pattern=r"^o[0-9a-f]{25}$")] = None,
    buyer: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The buyer's user id")] = None,
    phone: Annotated[str | None, Query(pattern=r"^\d{4}$", description="Last four digits of the delivery phone")] = None,
    delivery: Annotated[Delivery | None, Query()] = None,
    has_refund: Annotated[bool | None, Query()] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response[OrderDeskPage]:
    filters = desk.Filters(
        status=status, placed_from=query_day(placed_from, "placed_from"), placed_to=query_day(placed_to, "placed_to"),
        paid_from=query_day(paid_from, "paid_from"), paid_to=query_day(paid_to, "paid_to"), order_id=order_id, buyer=buyer,
        phone4=phone, delivery=delivery, has_refund=has_refund,
    )
    items, next_cursor = desk.list_orders(filters, cursor=cursor, limit=limit)
    return ok(OrderDeskPage(items=[OrderRow(**desk.row(i)) for i in items], next_cursor=next_cursor))


lambda_handler = lambda_handler_for(app)
