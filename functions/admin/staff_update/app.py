"""PATCH /admin/staff/{name} - the owner changes a member's role, disables or enables them, or
renames them (audited; never oneself's role or status)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import members
from shop.staff.models import MERCHANT_NAME, StaffMember, StaffMemberPatch
from shop.staff.roles import STAFF_MANAGE

app = create_app()


@app.patch("/admin/staff/<name>", summary="Change a staff account", tags=["admin"], security=BEARER,
           description="role counts from the member's next call; status disabled stops every token and sign-in of "
                       "the member at once. 409 cannot_change_self, staff_changed (changed meanwhile).",
           responses=responses(StaffMember, 400, 401, 403, 404, 409))
def update_staff(
    name: Annotated[str, Path(pattern=MERCHANT_NAME)],
    body: StaffMemberPatch,
    merchant: Annotated[str, Depends(staff_with(STAFF_MANAGE))],
) -> Response[StaffMember]:
    return ok(members.update(name, body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
