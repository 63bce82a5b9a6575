"""The HTTP side of staff sign-in (shop.staff.signin, shop.staff.devices): who is calling (source
IP, user agent), and the refresh-token cookie of the browser console.

The cookie is ``__Secure-staff_refresh``: HttpOnly (page scripts never see it), Secure, SameSite=Strict
(a cross-site page cannot make the browser send it) and Path=/admin/auth (sent to the sign-in
routes only, never to the rest of /admin). The mini-program has no cookie jar and sends the refresh
token in the body instead. The access token is only ever in the body: the console keeps it in memory.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from shop.edge.api import JSON, NO_STORE
from shop.staff.devices import COOKIE_PATH, REFRESH_COOKIE


def caller(app: Any) -> tuple[str, str]:
    """(source IP as API Gateway saw it, user agent) of the current request."""
    http = app.current_event.request_context.http
    return http.source_ip or "unknown", (http.user_agent or "")[:400]


def cookie_token(app: Any) -> str | None:
    for raw in app.current_event.cookies or []:
        name, _, value = raw.partition("=")
        if name.strip() == REFRESH_COOKIE and value.strip():
            return value.strip()
    return None


def _cookie(value: str, max_age: int) -> Cookie:
    return Cookie(name=REFRESH_COOKIE, value=value, path=COOKIE_PATH, secure=True, http_only=True,
                  max_age=max_age, same_site=SameSite.STRICT_MODE)


def with_refresh_cookie(body: Any, refresh_token: str, max_age: int, status: int = 200) -> Response:
    return Response(status_code=status, content_type=JSON, body=body, headers={"Cache-Control": NO_STORE},
                    cookies=[_cookie(refresh_token, max(0, max_age))])


def clearing_cookie(body: Any, status: int = 200) -> Response:
    return Response(status_code=status, content_type=JSON, body=body, headers={"Cache-Control": NO_STORE},
                    cookies=[_cookie("", 0)])
