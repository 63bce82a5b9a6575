"""GET /admin/auth/sessions - the signed-in staff member's own active sign-ins (devices). One
DynamoDB round trip: the account check and the sessions come from one Query of their partition."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, PendingStaff, staff_pending
from shop.edge.openapi import responses
from shop.staff import devices
from shop.staff.auth_models import Devices
from shop.staff.roles import ACCOUNT_SELF

app = create_app()


@app.get("/admin/auth/sessions", summary="My signed-in devices", tags=["admin"], security=BEARER,
         responses=responses(Devices, 401, 403))
def my_sessions(staff: Annotated[PendingStaff, Depends(staff_pending(ACCOUNT_SELF))]) -> Response[Devices]:
    account, items = devices.listing(staff.name, staff.session.session_id)
    staff.confirm(account)
    return ok(Devices.model_validate({"items": items}))


lambda_handler = lambda_handler_for(app)
