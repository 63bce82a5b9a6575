"""POST /admin/auth/wechat - a pickup verifier signs in from the mini-program with a wx.login()
code: code2session, then the staff account their WeChat identity was bound to by an owner's
invitation. Public; shop.staff.signin.wechat_sign_in."""

from aws_lambda_powertools.event_handler import Response

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.openapi import responses
from shop.edge.staff_auth import caller
from shop.staff import signin
from shop.staff.auth_models import SignedIn, WeChatSignInRequest

app = create_app()


@app.post(
    "/admin/auth/wechat",
    summary="Staff sign-in from the mini-program (WeChat)",
    description="For staff whose WeChat identity is bound to their account (pickup verifiers). Answers the same "
    "access and refresh tokens as the password sign-in, the refresh token in the body (no cookie jar in the "
    "mini-program). 401 not_staff when this WeChat user is bound to no staff account; owner and finance sign in "
    "with password and second factor instead (403 second_factor_required).",
    tags=["admin"],
    responses=responses(SignedIn, 400, 401, 403, 413, 415, 429, 502),
)
def wechat_sign_in(body: WeChatSignInRequest) -> Response[SignedIn]:
    ip, user_agent = caller(app)
    return ok(signin.wechat_sign_in(body.code, ip=ip, user_agent=user_agent))


lambda_handler = lambda_handler_for(app)
