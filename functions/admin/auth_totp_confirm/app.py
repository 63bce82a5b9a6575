"""POST /admin/auth/totp/confirm - finish enrolling the pending TOTP secret with a current code;
from then on every sign-in of this account asks for a code."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import devices, signin
from shop.staff.auth_models import TotpConfirmRequest, TotpEnabled
from shop.staff.roles import ACCOUNT_SELF

app = create_app()


@app.post("/admin/auth/totp/confirm", summary="Confirm the second factor (TOTP)", tags=["admin"], security=BEARER,
          description="400 invalid_totp_code when the code does not match the pending secret (or it expired).",
          responses=responses(TotpEnabled, 400, 401, 403, 409))
def totp_confirm(body: TotpConfirmRequest, merchant: Annotated[str, Depends(staff_with(ACCOUNT_SELF))]) -> Response[TotpEnabled]:
    enrolled_at = signin.confirm_enrollment(merchant, body.code, devices.now())
    return ok(TotpEnabled(enrolled_at=enrolled_at))  # type: ignore[arg-type]


lambda_handler = lambda_handler_for(app)
