"""POST /admin/staff/accept-wechat - a pickup verifier invited with channel wechat binds their
WeChat identity (a wx.login() code) to the new account in the mini-program. Public: the invite code
is the credential; throttled in the template."""

from aws_lambda_powertools.event_handler import Response

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.openapi import responses
from shop.staff import invites
from shop.staff.models import StaffAccepted, StaffAcceptWeChatRequest

app = create_app()


@app.post("/admin/staff/accept-wechat", summary="Accept a staff invitation (WeChat, pickup verifiers)", tags=["admin"],
          description="Creates the account and binds the caller's WeChat identity (code2session) to it in one "
                      "transaction; afterwards the verifier signs in with wx.login() (POST /admin/auth/wechat). "
                      "409 wechat_already_bound when this WeChat belongs to another staff account.",
          responses=responses(StaffAccepted, 400, 401, 403, 404, 409, 429, 502, status=201))
def accept_staff_invite_wechat(body: StaffAcceptWeChatRequest) -> Response[StaffAccepted]:
    return ok(invites.accept_wechat(body.invite_code, body.name, body.code), status=201)


lambda_handler = lambda_handler_for(app)
