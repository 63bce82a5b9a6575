"""POST /admin/staff/invites - the owner invites a staff member; the invite code is in this answer only."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import invites
from shop.staff.models import StaffInviteCreated, StaffInviteRequest
from shop.staff.roles import STAFF_MANAGE

app = create_app()


@app.post("/admin/staff/invites", summary="StaffInvite a staff member", tags=["admin"], security=BEARER,
          description="A one-time invite code for a role, valid 72 hours (STAFF_INVITE_TTL_SECONDS), shown once. "
                      "channel console: accepted with a password (POST /admin/staff/accept); channel wechat (pickup "
                      "verifiers): accepted in the mini-program (POST /admin/staff/accept-wechat). Audited.",
          responses=responses(StaffInviteCreated, 400, 401, 403, status=201))
def create_staff_invite(
    body: StaffInviteRequest,
    merchant: Annotated[str, Depends(staff_with(STAFF_MANAGE))],
) -> Response[StaffInviteCreated]:
    return ok(invites.create(body, merchant=merchant), status=201)


lambda_handler = lambda_handler_for(app)
