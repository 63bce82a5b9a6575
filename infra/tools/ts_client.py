"""The TypeScript clients, generated from docs/openapi.json: a type for every request and response
body, the error codes as the ErrorCode union, and one typed function per operation that hands a
plain request description to a transport the app supplies (uni.request in the shop, fetch in the
console), so the generated code knows nothing of tokens, storage or retries.

Two files, one per front end, each holding only the operations it calls and the schemas those reach:
  miniprogram/src/api/openapi.ts   the shopper's routes (not /admin/, not WeChat's callbacks)
  console/src/api/openapi.ts       the merchant's /admin/ routes

  python -m infra.tools.ts_client --write   regenerate (make openapi does this after the document)
  python -m infra.tools.ts_client           exit 1 if a committed client is out of date
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from infra.local.template import ROOT

OPENAPI_FILE = ROOT / "docs" / "openapi.json"
METHODS = ("get", "put", "post", "delete", "patch")
# Routes only WeChat calls (pay notifications, message push): no front end has any business there.
SERVER_TO_SERVER = ("/pay/notify", "/wechat/push")
IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
# How the transport reads a successful answer of each media type, and what it resolves to.
MEDIA_TYPES = {"application/json": ("json", None), "text/csv": ("text", "string"),
               "image/png": ("arraybuffer", "ArrayBuffer"), "image/jpeg": ("arraybuffer", "ArrayBuffer")}


@dataclass(frozen=True)
class Target:
    path: Path
    audience: str
    includes: Callable[[str], bool]


def _shopper(path: str) -> bool:
    return not path.startswith("/admin/") and not path.startswith(SERVER_TO_SERVER)


def _merchant(path: str) -> bool:
    return path.startswith("/admin/")


TARGETS = (
    Target(ROOT / "miniprogram" / "src" / "api" / "openapi.ts", "the shop front end (the shopper's routes)", _shopper),
    Target(ROOT / "console" / "src" / "api" / "openapi.ts", "the merchant console (the /admin/ routes)", _merchant),
)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("'", "\\'") if not isinstance(value, str) else \
        "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _comment(text: str | None, indent: str = "") -> list[str]:
    if not text:
        return []
    lines = [line.rstrip().replace("*/", "*\\/") for line in text.strip().splitlines()]
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


class Types:
    """JSON Schema (as pydantic writes it into the document) to TypeScript type expressions."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self.used: set[str] = set()

    def use(self, name: str) -> str:
        if name not in self.used:
            self.used.add(name)
            self.expr(self.schemas[name])  # pulls in what it references
        return name

    def expr(self, schema: Any, indent: str = "") -> str:
        if schema is True or schema == {}:
            return "unknown"
        if "$ref" in schema:
            return self.use(_ref_name(schema["$ref"]))
        if "const" in schema:
            return _literal(schema["const"])
        if "enum" in schema:
            return " | ".join(_literal(v) for v in schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                parts = list(dict.fromkeys(self.expr(s, indent) for s in schema[key]))
                return " | ".join(parts)
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.expr(schema["allOf"][0], indent)
        kind = schema.get("type")
        if isinstance(kind, list):
            return " | ".join(dict.fromkeys(self.expr({**schema, "type": k}, indent) for k in kind))
        if kind == "string":
            return "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "null":
            return "null"
        if kind == "array":
            item = self.expr(schema.get("items", {}), indent)
            return f"({item})[]" if " " in item and not item.startswith("{") else f"{item}[]"
        if kind == "object" or "properties" in schema:
            return self.object(schema, indent)
        return "unknown"

    def object(self, schema: dict[str, Any], indent: str = "") -> str:
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        if not props:
            if isinstance(extra, dict) and extra:
                return f"Record<string, {self.expr(extra, indent)}>"
            return "Record<string, unknown>"
        return "{\n" + "\n".join(self.members(schema, indent + "  ")) + f"\n{indent}}}"

    def members(self, schema: dict[str, Any], indent: str) -> list[str]:
        required = set(schema.get("required") or ())
        lines: list[str] = []
        for name, prop in (schema.get("properties") or {}).items():
            key = name if IDENT.match(name) else _literal(name)
            optional = "" if name in required else "?"
            lines += _comment(prop.get("description") if isinstance(prop, dict) else None, indent)
            lines.append(f"{indent}{key}{optional}: {self.expr(prop, indent)}")
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            lines.append(f"{indent}[key: string]: {self.expr(extra, indent)} | undefined")
        return lines

    def declaration(self, name: str) -> list[str]:
        schema = self.schemas[name]
        lines = _comment(schema.get("description"))
        if name == "ErrorCode":
            described = schema.get("x-enum-descriptions") or {}
            lines.append("export type ErrorCode =")
            for code in schema["enum"]:
                lines.append(f"  | {_literal(code)}" + (f" // {described[code]}" if code in described else ""))
            return lines
        if schema.get("type") == "object" and schema.get("properties"):
            lines.append(f"export interface {name} {{")
            lines += self.members(schema, "  ")
            lines.append("}")
        else:
            lines.append(f"export type {name} = {self.expr(schema)}")
        return lines


@dataclass
class Operation:
    name: str
    method: str
    path: str
    summary: str
    description: str
    auth: str
    path_params: list[dict[str, Any]]
    query: list[dict[str, Any]]
    headers: list[dict[str, Any]]
    body: dict[str, Any] | None
    body_required: bool
    results: list[tuple[str, dict[str, Any] | None, str]]  # (status, schema, media type) of each 2xx


def _auth(security: list[dict[str, Any]]) -> str:
    if not security:
        return "none"
    return "optional" if {} in security else "required"


def operations(doc: dict[str, Any], includes: Callable[[str], bool]) -> list[Operation]:
    found = []
    for path, item in doc["paths"].items():
        if not includes(path):
            continue
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = op.get("parameters") or []
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
            results = []
            for status, answer in sorted(op["responses"].items()):
                if not status.startswith("2"):
                    continue
                content = answer.get("content") or {}
                if not content:
                    results.append((status, None, ""))
                for media, spec in content.items():
                    if media not in MEDIA_TYPES:
                        raise SystemExit(f"{method.upper()} {path}: no TypeScript mapping for a {media} answer")
                    results.append((status, spec.get("schema"), media))
            found.append(Operation(
                name=camel(op["operationId"]), method=method.upper(), path=path, summary=op.get("summary", ""),
                description=op.get("description", ""), auth=_auth(op.get("security") or []),
                path_params=[p for p in params if p["in"] == "path"],
                query=[p for p in params if p["in"] == "query"],
                headers=[p for p in params if p["in"] == "header"],
                body=body, body_required=bool((op.get("requestBody") or {}).get("required")), results=results,
            ))
    names = [o.name for o in found]
    if len(names) != len(set(names)):
        raise SystemExit(f"two operations share a name: {sorted(n for n in names if names.count(n) > 1)}")
    return sorted(found, key=lambda o: o.name)


def _params_type(types: Types, params: list[dict[str, Any]], indent: str, header: bool = False) -> str:
    members = []
    for p in params:
        name = p["name"]
        if header:  # headers are case-insensitive; the client sends them as HTTP spells them
            name = "-".join(part[:1].upper() + part[1:] for part in name.split("-"))
        key = name if IDENT.match(name) else _literal(name)
        members += _comment(p.get("description"), indent + "  ")
        members.append(f"{indent}  {key}{'' if p.get('required') else '?'}: {types.expr(p['schema'], indent + '  ')}")
    return "{\n" + "\n".join(members) + f"\n{indent}}}"


def _method(types: Types, op: Operation) -> list[str]:
    args: list[str] = []
    for p in op.path_params:
        args.append(f"{camel(p['name'])}: string")
    if op.body is not None:
        args.append(f"body{'' if op.body_required else '?'}: {types.expr(op.body, '    ')}")
    if op.query:
        optional = "" if any(p.get("required") for p in op.query) else "?"
        args.append(f"query{optional}: {_params_type(types, op.query, '    ')}")
    if op.headers:
        optional = "" if any(p.get("required") for p in op.headers) else "?"
        args.append(f"headers{optional}: {_params_type(types, op.headers, '    ', header=True)}")
    args.append("options?: CallOptions")
    returns = []
    response_type = "json"
    for _status, schema, media in op.results:
        if media and media != "application/json":
            response_type, resolved = MEDIA_TYPES[media]
            returns.append(resolved)
        elif schema is None:
            returns.append("null")
        else:
            returns.append(types.expr(schema, "    "))
    result = " | ".join(dict.fromkeys(returns)) or "null"
    path = re.sub(r"\{([^}]+)\}", lambda m: "${encodeURIComponent(" + camel(m.group(1)) + ")}", op.path)
    path = f"`{path}`" if "${" in path else _literal(path)
    fields = [f"operation: {_literal(op.name)}", f"method: {_literal(op.method)}", f"path: {path}",
              f"auth: {_literal(op.auth)}", f"responseType: {_literal(response_type)}"]
    if op.body is not None:
        fields.append("body")
    if op.query:
        fields.append("query")
    if op.headers:
        fields.append("headers")
    fields.append("options")
    doc = f"{op.summary} ({op.method} {op.path})" + (f"\n\n{op.description}" if op.description else "")
    lines = _comment(doc, "    ")
    lines.append(f"    {op.name}: ({', '.join(args)}): Promise<{result}> =>")
    lines.append(f"      transport({{ {', '.join(fields)} }}) as Promise<{result}>,")
    return lines


HEADER = """\
// Generated from docs/openapi.json by infra/tools/ts_client.py (make openapi): do not edit.
// The typed client of {audience}: createClient(transport) gives one function per
// operation; the transport sends the request (and owns tokens, retries and error messages).
/* eslint-disable */
"""

RUNTIME = """\
/** The methods these operations use (the shop's has no PATCH, which wx.request cannot send). */
export type HttpMethod = {methods}
export type QueryValue = string | number | boolean | null | undefined | (string | number)[]

/** What a generated function asks the transport to send. */
export interface ApiRequest {
  /** the operation's name, e.g. for logs */
  operation: OperationName
  method: HttpMethod
  /** the path with its parameters filled in and URL-encoded, to be appended to the API base URL */
  path: string
  /**
   * `Authorization: Bearer <token>`: required, optional (sent when the app has a token: the route
   * serves anonymous callers too) or none
   */
  auth: 'required' | 'optional' | 'none'
  /** how to read a successful answer: JSON, text (a CSV file) or bytes (an image) */
  responseType: 'json' | 'text' | 'arraybuffer'
  body?: unknown
  /** query parameters; undefined and null ones are left out */
  query?: { [name: string]: QueryValue }
  headers?: { [name: string]: string | null | undefined }
  options?: CallOptions
}

/** What a caller may add to any call, for the transport. */
export interface CallOptions {
  /** While a file answer (text, bytes) arrives: bytes so far and the total when known */
  onProgress?: (received: number, total: number | null) => void
}

/**
 * Sends a request; resolves with the parsed answer (null for 204, a string for text, an
 * ArrayBuffer for bytes) or rejects with an error carrying the API's ErrorCode.
 */
export type Transport = (request: ApiRequest) => Promise<unknown>

/** The error shape every failing route answers with. */
export interface ApiErrorBody {
  error: ErrorDetail
}

/** Every code the API can answer with, for checks at run time (e.g. `ERROR_CODES.has(code)`). */
export const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
{codes}])

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && ERROR_CODES.has(code)
}
"""


def render(doc: dict[str, Any], target: Target) -> str:
    schemas = doc["components"]["schemas"]
    types = Types(schemas)
    ops = operations(doc, target.includes)
    methods: list[str] = []
    for op in ops:
        methods += _method(types, op)
    types.use("ErrorResponse")
    types.use("ErrorCode")
    declarations: list[str] = []
    for name in sorted(types.used):
        declarations += [*types.declaration(name), ""]
    codes = "".join(f"  {_literal(c)},\n" for c in schemas["ErrorCode"]["enum"])
    names = " | ".join(_literal(op.name) for op in ops)
    return "\n".join([
        HEADER.format(audience=target.audience),
        *declarations,
        f"export type OperationName = {names}\n",
        RUNTIME.replace("{codes}", codes).replace(
            "{methods}", " | ".join(_literal(m.upper()) for m in METHODS if any(op.method == m.upper() for op in ops))),
        "export function createClient(transport: Transport) {",
        "  return {",
        *methods,
        "  }",
        "}",
        "",
        "export type Client = ReturnType<typeof createClient>",
        "",
    ])


def main(argv: list[str]) -> int:
    doc = json.loads(OPENAPI_FILE.read_text("utf-8"))
    stale = []
    for target in TARGETS:
        text = render(doc, target)
        if "--write" in argv:
            target.path.write_text(text, "utf-8")
        elif not target.path.exists() or target.path.read_text("utf-8") != text:
            stale.append(target.path.relative_to(ROOT))
    for path in stale:
        print(f"{path} is out of date: run make openapi", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
