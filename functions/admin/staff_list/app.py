"""GET /admin/staff - every staff account: role, status, password / second factor set, lock state,
last sign-in (never a hash or a secret)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import members
from shop.staff.models import StaffMembers
from shop.staff.roles import STAFF_MANAGE

app = create_app()


@app.get("/admin/staff", summary="Staff accounts", tags=["admin"], security=BEARER,
         responses=responses(StaffMembers, 401, 403))
def list_staff(merchant: Annotated[str, Depends(staff_with(STAFF_MANAGE))]) -> Response[StaffMembers]:
    return ok(StaffMembers(items=members.listing()))


lambda_handler = lambda_handler_for(app)
