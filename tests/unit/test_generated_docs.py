"""docs/openapi.json, the fallback's route table and the typed TypeScript clients are generated from
the code and the template; these fail when any of them drifts (fix: make openapi)."""

from __future__ import annotations

import json
import re

from infra.local.template import Template
from infra.tools import openapi, routes, ts_client


def test_openapi_document_matches_the_code() -> None:
    assert openapi.OPENAPI_FILE.read_text("utf-8") == openapi.render(), "run `make openapi`"


def test_fallback_route_table_matches_the_template() -> None:
    assert routes.ROUTES_FILE.read_text("utf-8") == routes.render(), "run `make openapi`"


def test_typed_clients_match_the_document() -> None:
    doc = json.loads(openapi.OPENAPI_FILE.read_text("utf-8"))
    for target in ts_client.TARGETS:
        assert target.path.read_text("utf-8") == ts_client.render(doc, target), f"{target.path.name}: run `make openapi`"


def test_every_operation_is_in_exactly_one_client_or_only_wechat_calls_it() -> None:
    doc = json.loads(openapi.OPENAPI_FILE.read_text("utf-8"))
    for path in doc["paths"]:
        owners = [t for t in ts_client.TARGETS if t.includes(path)]
        assert len(owners) == (0 if path.startswith(ts_client.SERVER_TO_SERVER) else 1), path


def test_error_codes_are_published_as_one_enum() -> None:
    from shop.core.error_codes import ERROR_CODES

    schemas = json.loads(openapi.OPENAPI_FILE.read_text("utf-8"))["components"]["schemas"]
    assert schemas["ErrorCode"]["enum"] == list(ERROR_CODES)
    assert schemas["ErrorDetail"]["properties"]["code"]["$ref"] == "#/components/schemas/ErrorCode"


def test_operation_ids_are_the_handlers_names() -> None:
    doc = json.loads(openapi.OPENAPI_FILE.read_text("utf-8"))
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) and not i.endswith(("_get", "_post", "_put")) for i in ids), ids


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
