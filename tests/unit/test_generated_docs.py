"""docs/openapi.json and the fallback's route table are generated from the code and the template;
these fail when either drifts (fix: make openapi)."""

from __future__ import annotations

import json

from infra.local.template import Template
from infra.tools import openapi, routes


def test_openapi_document_matches_the_code() -> None:
    assert openapi.OPENAPI_FILE.read_text("utf-8") == openapi.render(), "run `make openapi`"


def test_fallback_route_table_matches_the_template() -> None:
    assert routes.ROUTES_FILE.read_text("utf-8") == routes.render(), "run `make openapi`"


def test_every_template_route_is_documented(template: Template) -> None:
    doc = json.loads(openapi.OPENAPI_FILE.read_text("utf-8"))
    documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    in_template = {(r.method, r.path) for r in template.routes() if r.path != "$default"}
    assert documented == in_template


def test_documented_errors_use_the_error_shape() -> None:
    doc = json.loads(openapi.OPENAPI_FILE.read_text("utf-8"))
    for path, item in doc["paths"].items():
        for operation in item.values():
            assert "422" not in operation["responses"]
            if path == "/pay/notify":  # WeChat Pay's contract: {"code": "FAIL", "message": ...}
                continue
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
