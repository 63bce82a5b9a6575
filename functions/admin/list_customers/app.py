"""GET /admin/customers - the merchant's customers, newest first; search by nickname, user id or
the last four digits of a phone."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.buying import customers
from shop.buying.models.customers import CustomerPage
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import CUSTOMERS_READ

app = create_app()


@app.get("/admin/customers", summary="Customers", tags=["admin"], security=BEARER,
         description="q: a user id (u_...), four digits (the last four of a phone in the buyer's address book), or "
         "part of a nickname. Without q: everyone, newest first. A nickname search reads a bounded stretch of "
         "customers per page: a short page with next_cursor means keep going.",
         responses=responses(CustomerPage, 400, 401, 403))
def list_customers(
    merchant: Annotated[str, Depends(staff_with(CUSTOMERS_READ))],
    q: Annotated[str | None, Query(min_length=1, max_length=30)] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Response[CustomerPage]:
    return ok(customers.search(q, cursor=cursor, limit=limit))


lambda_handler = lambda_handler_for(app)
