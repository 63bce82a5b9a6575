"""GET /admin/customers/{user_id} - one buyer: orders, coupons, spend; contact details masked unless
the role may see them."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import customers
from shop.buying.models.customers import CustomerDetail
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, StaffMember, staff_member_with
from shop.edge.openapi import responses
from shop.staff.roles import CUSTOMERS_CONTACT, CUSTOMERS_READ
from shop.users.models import USER_ID_PATTERN

app = create_app()


@app.get("/admin/customers/<user_id>", summary="A customer", tags=["admin"], security=BEARER,
         description="Phones and addresses are masked (138****8000) unless the role has customers.contact "
         "(contact_visible says which).",
         responses=responses(CustomerDetail, 400, 401, 403, 404))
def get_customer(
    user_id: Annotated[str, Path(pattern=USER_ID_PATTERN)],
    staff: Annotated[StaffMember, Depends(staff_member_with(CUSTOMERS_READ))],
) -> Response[CustomerDetail]:
    return ok(customers.detail(user_id, contact=staff.may(CUSTOMERS_CONTACT)))


lambda_handler = lambda_handler_for(app)
