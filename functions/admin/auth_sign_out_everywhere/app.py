"""POST /admin/auth/sign-out-everywhere - every access and refresh token of one's own account stops,
this device's included."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.edge.staff_auth import clearing_cookie
from shop.staff import devices
from shop.staff.auth_models import SignedOut
from shop.staff.roles import ACCOUNT_SELF

app = create_app()


@app.post("/admin/auth/sign-out-everywhere", summary="Sign out everywhere", tags=["admin"], security=BEARER,
          responses=responses(SignedOut, 401, 403))
def sign_out_everywhere(merchant: Annotated[str, Depends(staff_with(ACCOUNT_SELF))]) -> Response[SignedOut]:
    return clearing_cookie(SignedOut(signed_out=devices.end_everywhere(merchant)))


lambda_handler = lambda_handler_for(app)
