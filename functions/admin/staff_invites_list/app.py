"""GET /admin/staff/invites - the invitations still waiting to be accepted (never their codes)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import invites
from shop.staff.models import StaffInvites
from shop.staff.roles import STAFF_MANAGE

app = create_app()


@app.get("/admin/staff/invites", summary="Pending staff invitations", tags=["admin"], security=BEARER,
         responses=responses(StaffInvites, 401, 403))
def list_staff_invites(merchant: Annotated[str, Depends(staff_with(STAFF_MANAGE))]) -> Response[StaffInvites]:
    return ok(StaffInvites(items=invites.pending()))


lambda_handler = lambda_handler_for(app)
