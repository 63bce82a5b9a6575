"""DELETE /admin/staff/invites/{id} - the owner withdraws a pending invitation (audited)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import invites
from shop.staff.models import INVITE_ID, StaffInvite
from shop.staff.roles import STAFF_MANAGE

app = create_app()


@app.delete("/admin/staff/invites/<id>", summary="Withdraw a staff invitation", tags=["admin"], security=BEARER,
            responses=responses(StaffInvite, 400, 401, 403, 404, 409))
def withdraw_staff_invite(
    id: Annotated[str, Path(pattern=INVITE_ID)],  # noqa: A002
    merchant: Annotated[str, Depends(staff_with(STAFF_MANAGE))],
) -> Response[StaffInvite]:
    return ok(invites.withdraw(id, merchant=merchant))


lambda_handler = lambda_handler_for(app)
