"""POST /admin/auth/totp/setup - start enrolling a TOTP second factor for one's own account (the
signed-in staff member): a new secret, pending until POST /admin/auth/totp/confirm."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import devices, signin
from shop.staff.auth_models import TotpSetup
from shop.staff.roles import ACCOUNT_SELF

app = create_app()


@app.post("/admin/auth/totp/setup", summary="Start enrolling a second factor (TOTP)", tags=["admin"], security=BEARER,
          description="Answers the otpauth:// URI (for a QR code) and the secret, once; confirm with a code within 10 "
          "minutes. 409 second_factor_already_enabled.",
          responses=responses(TotpSetup, 401, 403, 409))
def totp_setup(merchant: Annotated[str, Depends(staff_with(ACCOUNT_SELF))]) -> Response[TotpSetup]:
    return ok(signin.start_enrollment(merchant, {}, devices.now(), reuse=False))


lambda_handler = lambda_handler_for(app)
