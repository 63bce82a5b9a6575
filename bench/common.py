"""What the benchmarks share: the local backends and one representative request per function."""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass
from typing import Any

from infra.local.gateway import Router, build_event
from infra.local.stack import LocalStack
from infra.local.template import Template

_codes = itertools.count()


@dataclass
class Sample:
    """One representative request: ``make`` builds the event (fresh values each time)."""

    name: str
    method: str
    path: str
    body: Any = None
    auth: bool = False
    expect: int = 200


SAMPLES = {
    "LoginFunction": Sample("POST /auth/login (new user)", "POST", "/auth/login", body="new-code"),
    "MeFunction": Sample("GET /me", "GET", "/me", auth=True),
    "ListCategoriesFunction": Sample("GET /categories", "GET", "/categories"),
    "ListProductsFunction": Sample("GET /products?sort=sales", "GET", "/products?sort=sales&limit=20"),
    "GetProductFunction": Sample("GET /products/{id}", "GET", "/products/p-tee-basic"),
    "FallbackFunction": Sample("GET /no/such/route", "GET", "/no/such/route", expect=404),
}


def start_backends() -> LocalStack:
    # Credentials from a secret, as the template configures the functions in AWS.
    stack = LocalStack(access_log=None, secrets_manager=True).start_backends()
    return stack


def token_for(stack: LocalStack) -> str:
    """A valid session token for a user that exists (logs in once through the domain code)."""
    import os

    from shop import users
    from shop.wechat.miniprogram import WxSession

    from infra.local.credentials import function_environment

    os.environ.update({k: v for k, v in function_environment(stack.creds).items() if k.startswith("SESSION_")})
    user_id, _ = users.find_or_create_user(WxSession(openid="o-bench", session_key="bench"))
    from shop import session_signer

    return session_signer.issue(user_id)[0]


def event_for(template: Template, method: str, path: str, *, body: Any = None, token: str | None = None) -> dict[str, Any]:
    router = Router(template.routes())
    route, params = router.match(method, path.split("?", 1)[0])  # type: ignore[misc]
    headers = [("user-agent", "bench"), ("host", "127.0.0.1:3000")]
    raw = b""
    if body is not None:
        if body == "new-code":
            body = {"code": f"bench-{next(_codes)}-{id(router)}"}
        raw = json.dumps(body).encode()
        headers.append(("content-type", "application/json"))
    if token:
        headers.append(("authorization", f"Bearer {token}"))
    return build_event(method=method, target=path, headers=headers, body=raw, route=route, path_params=params,
                       source_ip="127.0.0.1", host="127.0.0.1:3000")


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [headers] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])


def out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
