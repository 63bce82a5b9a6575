"""docs/openapi.json, generated from the code: each function's resolver describes its own routes
(Powertools get_openapi_schema) and this merges them into one document for the whole API.

  python -m infra.tools.openapi --write   regenerate
  python -m infra.tools.openapi           exit 1 if the committed document is out of date
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from infra.local.template import ROOT, Template, load_module

OPENAPI_FILE = ROOT / "docs" / "openapi.json"
LAYER = ROOT / "layers" / "shop"
TITLE = "minishop API"
VERSION = "0.1.0"
DESCRIPTION = (
    "Backend of a WeChat mini-program shop. Amounts are integers in fen. Errors always have the shape "
    '{"error": {"code", "message", "details"}}. Authenticated routes take '
    "'Authorization: Bearer <token>' from POST /auth/login."
)


def _error_schemas() -> dict[str, Any]:
    """ErrorResponse (and what it references) for documents whose routes declared no error, with
    ErrorDetail.code naming the registry's codes (shop.core.error_codes) as the ErrorCode enum."""
    from shop.core.error_codes import ERROR_CODES
    from shop.edge.openapi import ErrorResponse

    schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    code = defs["ErrorDetail"]["properties"]["code"]
    defs["ErrorDetail"]["properties"]["code"] = {"$ref": "#/components/schemas/ErrorCode",
                                                 "description": code["description"]}
    error_code = {
        "type": "string", "title": "ErrorCode",
        "description": "Every code the API answers in error.code; the HTTP status says the kind of failure, the "
                       "code says which one (a client may branch on it; new codes may be added).",
        "enum": list(ERROR_CODES), "x-enum-descriptions": dict(ERROR_CODES),
    }
    return {"ErrorResponse": schema, **defs, "ErrorCode": error_code}


def _operation_id(operation_id: str, path: str, method: str) -> str:
    """The handler's own name (Powertools appends the path and method to it, FastAPI-style)."""
    suffix = re.sub(r"\W", "_", path) + "_" + method
    if not operation_id.endswith(suffix) or operation_id == suffix:
        raise SystemExit(f"{method.upper()} {path}: unexpected operationId {operation_id}")
    return operation_id[: -len(suffix)]


def _error_ref(spec: dict[str, Any]) -> dict[str, Any]:
    return {"description": spec["description"],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}


def _security() -> dict[str, Any]:
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return {"bearerAuth": HTTPBearer(description="A buyer's token from POST /auth/login; the /admin/ routes take a merchant "
                                         "token instead (from the MerchantTokens function: hours, revocable; 401 "
                                         "token_revoked once revoked), and refuse a buyer's with 401. A blocked buyer's "
                                         "token still reads, but state-changing routes answer 403 account_blocked")}


def build(template: Template | None = None) -> dict[str, Any]:
    if str(LAYER) not in sys.path:
        sys.path.insert(0, str(LAYER))
    from shop.edge.openapi import error_responses
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    operation_ids: set[str] = set()
    for fn in (template or Template()).functions():
        if not any(r.path != "$default" for r in fn.routes):
            continue
        app = load_module(fn, prefix="openapi").app
        doc = json.loads(app.get_openapi_json_schema(title=TITLE, version=VERSION, security_schemes=_security()))
        for path, item in doc.get("paths", {}).items():
            for method, operation in item.items():
                # Validation failures answer 400 in the shop's error shape (shop.edge.api), never
                # Powertools' default 422 document; bodies are size- and type-checked before the
                # route runs (413/415), and any route may meet a throttled dependency (503).
                operation["responses"].pop("422", None)
                # a 204 has no body, whatever the handler's return annotation says of its other answers
                operation["responses"].get("204", {}).pop("content", None)
                if path != "/pay/notify":
                    extra = (413, 415, 503) if "requestBody" in operation else (503,)
                    for status, spec in error_responses(*extra).items():
                        operation["responses"].setdefault(str(status), _error_ref(spec))
                if method in paths.get(path, {}):
                    raise SystemExit(f"{method.upper()} {path} is served by two functions")
                operation["operationId"] = _operation_id(operation["operationId"], path, method)
                if operation["operationId"] in operation_ids:
                    raise SystemExit(f"two handlers are both named {operation['operationId']}")
                operation_ids.add(operation["operationId"])
                operation["x-lambda-function"] = fn.logical_id
                paths.setdefault(path, {})[method] = operation
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            if name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
                continue
            if name in ("ErrorResponse", "ErrorDetail"):
                continue  # the one error shape, from _error_schemas
            if name in schemas and schemas[name] != schema:
                raise SystemExit(f"two different schemas are both named {name}")
            schemas[name] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "http://127.0.0.1:3000", "description": "make dev"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted({**schemas, **_error_schemas()}.items())),
            "securitySchemes": {
                name: scheme.model_dump(mode="json", by_alias=True, exclude_none=True)
                for name, scheme in _security().items()
            },
        },
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--write" in argv:
        OPENAPI_FILE.parent.mkdir(exist_ok=True)
        OPENAPI_FILE.write_text(text, "utf-8")
        return 0
    if not OPENAPI_FILE.exists() or OPENAPI_FILE.read_text("utf-8") != text:
        print(f"{OPENAPI_FILE} is out of date: run make openapi", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
