"""POST /admin/auth/sign-in - a staff member signs in to the web console with name, password and
(owner, finance, or anyone who enrolled one) a TOTP code. Public: no token; shop.staff.signin."""

from aws_lambda_powertools.event_handler import Response

from shop.adapters.clock import now_epoch
from shop.edge.api import create_app, lambda_handler_for
from shop.edge.openapi import responses
from shop.edge.staff_auth import caller, with_refresh_cookie
from shop.staff import signin
from shop.staff.auth_models import SignedIn, SignInRequest

app = create_app()


@app.post(
    "/admin/auth/sign-in",
    summary="Staff sign-in (password and second factor)",
    description="Answers a short-lived access token and a single-use refresh token (also set as an HttpOnly, "
    "SameSite=Strict cookie for /admin/auth). A wrong name or password is the same 401 invalid_credentials; "
    "401 second_factor_required asks for the TOTP code; 401 second_factor_setup_required (owner, finance "
    "without a second factor) carries {otpauth_uri, secret} in details: sign in again with a code of it. "
    "After 5 failures 429 too_many_attempts (Retry-After, doubling), after 10 403 account_locked until an "
    "owner unlocks; too many attempts from one address: 429.",
    tags=["admin"],
    responses=responses(SignedIn, 400, 401, 403, 413, 415, 429),
)
def sign_in(body: SignInRequest) -> Response[SignedIn]:
    ip, user_agent = caller(app)
    signed = signin.sign_in(body, ip=ip, user_agent=user_agent)
    max_age = int(signed.refresh_expires_at.timestamp()) - now_epoch()
    return with_refresh_cookie(signed, signed.refresh_token, max_age)


lambda_handler = lambda_handler_for(app)
