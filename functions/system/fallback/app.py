"""The $default route: whatever no route matches. Answers 405 (with Allow) when the path exists
under other methods, otherwise 404, both in the shop's error shape. routes.json is generated from
template.yaml (make openapi) and a test fails when it drifts."""

import json
import re
from pathlib import Path

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from shop.edge.api import create_app, error_response, lambda_handler_for
from shop.core.errors import MethodNotAllowed, NotFound

ROUTES: list[dict[str, str]] = json.loads((Path(__file__).parent / "routes.json").read_text("utf-8"))


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        (".+" if p.endswith("+}") else "[^/]+") if p.startswith("{") else re.escape(p) for p in parts
    )
    return re.compile(f"^{regex}$")


_COMPILED = [(r["method"], _pattern(r["path"])) for r in ROUTES]

app = create_app()


def allowed_methods(path: str) -> list[str]:
    return sorted({method for method, pattern in _COMPILED if pattern.match(path)})


@app.not_found
def no_route(_: NotFoundError) -> Response:
    path = app.current_event.path
    allowed = allowed_methods(path)
    if allowed:
        return error_response(
            MethodNotAllowed(
                f"{app.current_event.http_method} is not allowed on {path}.",
                details={"allowed": allowed},
                headers={"Allow": ", ".join(allowed)},
            )
        )
    return error_response(NotFound("No such route.", code="route_not_found"))


lambda_handler = lambda_handler_for(app)
