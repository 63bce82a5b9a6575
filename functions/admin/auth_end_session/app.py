"""DELETE /admin/auth/sessions/{sid} - sign one of one's own devices out: its refresh token stops,
and its access token at once."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import devices
from shop.staff.auth_models import SID, SignedOut
from shop.staff.roles import ACCOUNT_SELF

app = create_app()


@app.delete("/admin/auth/sessions/<sid>", summary="Sign out one of my devices", tags=["admin"], security=BEARER,
            responses=responses(SignedOut, 400, 401, 403, 404))
def end_session(sid: Annotated[str, Path(pattern=SID)],
                merchant: Annotated[str, Depends(staff_with(ACCOUNT_SELF))]) -> Response[SignedOut]:
    devices.end_one(merchant, sid)
    return ok(SignedOut(signed_out=1))


lambda_handler = lambda_handler_for(app)
