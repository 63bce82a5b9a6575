"""POST /auth/login - exchange a wx.login() code for the shop's session token."""

from aws_lambda_powertools.event_handler import Response

from shop.users import accounts
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.openapi import responses
from shop.users.models import LoginRequest, LoginResponse

app = create_app()


@app.post(
    "/auth/login",
    summary="Log in with a wx.login() code",
    description="Calls WeChat code2session, creates the user on first login and returns the shop's "
    "own session token. The WeChat session_key never leaves the server. A first login with "
    "`inviter` (the invite code the shop was opened with) binds the new user to that friend.",
    tags=["auth"],
    responses=responses(LoginResponse, 400, 401, 403, 413, 415, 429, 502, 503),
)
def login(body: LoginRequest) -> Response[LoginResponse]:
    return ok(accounts.login(body.code, body.inviter))


lambda_handler = lambda_handler_for(app)
