"""POST /admin/auth/sign-out - sign out this device (the sign-in of the access token used), and
clear the browser's refresh cookie."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.adapters import db
from shop.core.errors import InvalidRequest
from shop.edge.api import create_app, lambda_handler_for
from shop.edge.auth import BEARER, PendingStaff, staff_pending
from shop.edge.openapi import responses
from shop.edge.staff_auth import clearing_cookie
from shop.staff import devices
from shop.staff.auth_models import SignedOut
from shop.staff.roles import ACCOUNT_SELF
from shop.staff.sessions import PROJECTION, PROJECTION_NAMES

app = create_app()


@app.post("/admin/auth/sign-out", summary="Sign out this device", tags=["admin"], security=BEARER,
          description="400 not_a_sign_in for an operator-issued token (MerchantTokens), which belongs to no device.",
          responses=responses(SignedOut, 400, 401, 403))
def sign_out(staff: Annotated[PendingStaff, Depends(staff_pending(ACCOUNT_SELF))]) -> Response[SignedOut]:
    account = db.client().get_item(TableName=db.table(), Key=staff.key, ConsistentRead=True,
                                   ProjectionExpression=PROJECTION, ExpressionAttributeNames=PROJECTION_NAMES).get("Item")
    staff.confirm(account)
    sid = staff.session.session_id
    if not sid:
        raise InvalidRequest("这个令牌不属于任何登录设备。", code="not_a_sign_in")
    ended = devices.end(staff.name, sid, "signed_out", account)
    return clearing_cookie(SignedOut(signed_out=1 if ended else 0))


lambda_handler = lambda_handler_for(app)
