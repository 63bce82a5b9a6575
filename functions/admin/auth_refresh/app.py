"""POST /admin/auth/refresh - a new access token for a refresh token (from the HttpOnly cookie or
the body), which is rotated: the one presented is spent. Public: no access token; shop.staff.devices."""

from aws_lambda_powertools.event_handler import Response

from shop.adapters.clock import now_epoch
from shop.edge.api import create_app, lambda_handler_for
from shop.edge.openapi import responses
from shop.edge.staff_auth import cookie_token, with_refresh_cookie
from shop.staff import signin
from shop.staff.auth_models import RefreshRequest, SignedIn

app = create_app()


@app.post(
    "/admin/auth/refresh",
    summary="Refresh a staff sign-in (rotates the refresh token)",
    description="Send the refresh token in the body (mini-program) or let the browser send its cookie. The answer "
    "carries a new access token and a new refresh token; the old one is spent. Presenting a spent refresh token "
    "again ends the whole sign-in (its access tokens too): 401 refresh_token_reused. 401 session_expired after the "
    "idle timeout or the absolute lifetime, invalid_refresh_token otherwise. 204 (no body) when the request carries "
    "no refresh token at all - a browser that has not signed in: nothing to refresh, which is not an error.",
    tags=["admin"],
    responses={**responses(SignedIn, 400, 401, 413, 415),
               204: {"description": "No refresh token was sent (not signed in): nothing to refresh"}},
)
def refresh(body: RefreshRequest | None = None) -> Response[SignedIn | None]:
    token = (body.refresh_token if body else None) or cookie_token(app)
    if not token:
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    signed = signin.refreshed(token)
    max_age = int(signed.refresh_expires_at.timestamp()) - now_epoch()
    return with_refresh_cookie(signed, signed.refresh_token, max_age)


lambda_handler = lambda_handler_for(app)
