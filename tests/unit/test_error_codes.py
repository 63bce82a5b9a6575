"""The error-code registry (shop.core.error_codes) against the code: an AST scan of the layer and
the functions finds every code the API can answer with, and each must be registered; each registered
code must still be produced somewhere; and every code the console and the mini-program translate must
be one the backend answers (or one the client makes itself)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest

from infra.local.template import ROOT
from shop.core.error_codes import ERROR_CODES

SOURCES = ("layers/shop/shop", "functions")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Literals at a code site that are not API error codes: (file, literal) -> why.
NOT_API_CODES = {
    # a WeChat Pay refusal code kept on the refund (``failure``) when the call itself failed
    ("layers/shop/shop/buying/refunds.py", "SYSTEM_ERROR"): "WeChat Pay refusal code of a refund",
    # BillUnusable(code, message): the error_code of a stored reconciliation report, not an API error
    ("layers/shop/shop/adapters/wechat/bills.py", "bill_unreadable"): "reconciliation report error_code",
    ("layers/shop/shop/adapters/wechat/bills.py", "bill_inconsistent"): "reconciliation report error_code",
    ("layers/shop/shop/adapters/wechat/bills.py", "bill_hash_mismatch"): "reconciliation report error_code",
    ("layers/shop/shop/adapters/wechat/bills.py", "bill_download_failed"): "reconciliation report error_code",
    ("layers/shop/shop/adapters/wechat/bills.py", "wechatpay_refused"): "reconciliation report error_code",
}

# Functions whose returned strings become error codes elsewhere: shop.buying.checkout makes them the
# code of a checkout Problem, and POST /orders answers the first problem's code (shop.buying.purchase).
CODE_RETURNING = {
    ("layers/shop/shop/growth/coupons.py", "evaluate"): "why a coupon named in a checkout gives no discount",
    ("layers/shop/shop/growth/coupons.py", "combination_problem"): "why coupons cannot be combined",
}


def _coupon_states() -> set[str]:
    from shop.growth.models.coupons import CouponStatus

    return {f"coupon_{state}" for state in get_args(CouponStatus) if state != "available"}


# f-strings returned by CODE_RETURNING functions (placeholders as written) -> the codes they make.
# coupons.evaluate: f"coupon_{state}" for every status of a held coupon but "available".
DYNAMIC = {"coupon_{state}": _coupon_states}

# Codes the clients make themselves, never answered by the API: the client's module with MESSAGES
# (without .js / .ts) -> {code: where it is made}.
CLIENT_CODES = {
    "console/src/api/errors": {
        "network_error": "console/src/api/client.js (fetch failed)",
        "upload_failed": "console/src/api/client.js (S3 upload refused)",
        "upload_too_large": "console/src/api/client.js (S3 EntityTooLarge)",
        "upload_expired": "console/src/api/client.js (S3 presigned POST expired)",
        "upload_type": "console/src/api/client.js (S3 POST policy condition failed)",
    },
    "miniprogram/src/api/http": {
        "network": "miniprogram/src/api/http (uni.request failed)",
    },
}


# ---------------------------------------------------------------- the scan

def _files() -> list[Path]:
    return sorted(p for folder in SOURCES for p in (ROOT / folder).rglob("*.py"))


_TREES: dict[Path, ast.Module] = {}


def _tree(path: Path) -> ast.Module:
    if path not in _TREES:
        _TREES[path] = ast.parse(path.read_text("utf-8"), str(path))
    return _TREES[path]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _strings(node: ast.expr | None) -> Iterator[ast.Constant]:
    """The str constants ``node`` can evaluate to: itself, or both branches of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _is_code(target: ast.expr) -> bool:
    return (isinstance(target, ast.Name) and target.id == "code") or (
        isinstance(target, ast.Attribute) and target.attr == "code")


def _code_positions() -> dict[str, set[int]]:
    """Callee name -> positions of its parameter named ``code``, for every function defined in the
    repo (methods without self; a class whose __init__ takes a code under the class's name)."""
    positions: dict[str, set[int]] = {}
    for path in _files():
        tree = _tree(path)
        methods = {id(item): cls.name for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
                   for item in cls.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
            if id(node) in methods and not is_static:
                names = names[1:]
            if "code" in names:
                callee = methods[id(node)] if node.name == "__init__" and id(node) in methods else node.name
                positions.setdefault(callee, set()).add(names.index("code"))
    return positions


def _external_names(path: Path, tree: ast.Module) -> set[str]:
    """Names the module binds to something imported from outside the repo (stdlib, libraries): a
    call through them is not a call of a repo function, whatever its name."""
    def local(module: str | None, level: int) -> bool:
        top = (module or "").split(".")[0]
        return level > 0 or top == "shop" or (path.parent / f"{top}.py").exists() or (path.parent / top).is_dir()

    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if not local(a.name, 0)}
        elif isinstance(node, ast.ImportFrom) and not local(node.module, node.level):
            names |= {a.asname or a.name for a in node.names}
    return names


def _callee(call: ast.Call, external: set[str]) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return None if func.id in external else func.id
    if isinstance(func, ast.Attribute):
        base = func.value
        return None if isinstance(base, ast.Name) and base.id in external else func.attr
    return None


def scan() -> list[tuple[str, str, int]]:
    """(code, file, line) of every code literal in the source: ``code=`` arguments, ``code = ...``
    (also ``x.code``, annotated, and ``status, code, message = ...``), defaults of parameters named
    code, and positional arguments at the place of a parameter named code of a repo function."""
    positions = _code_positions()
    found = []
    for path in _files():
        tree = _tree(path)
        external = _external_names(path, tree)
        for node in ast.walk(tree):
            hits: list[ast.Constant] = []
            if isinstance(node, ast.Call):
                hits += [c for kw in node.keywords if kw.arg == "code" for c in _strings(kw.value)]
                for index in positions.get(_callee(node, external) or "", ()):
                    if index < len(node.args):
                        hits += _strings(node.args[index])
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if _is_code(target):
                        hits += _strings(node.value)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        hits += [c for t, v in zip(target.elts, node.value.elts, strict=False) if _is_code(t)
                                 for c in _strings(v)]
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                positional = (*args.posonlyargs, *args.args)
                defaults = [*zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True),
                            *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
                hits += [c for arg, default in defaults if arg.arg == "code" for c in _strings(default)]
            found += [(c.value, _rel(path), c.lineno) for c in hits]
    return [f for f in found if (f[1], f[0]) not in NOT_API_CODES]


def _function(rel: str, name: str) -> ast.FunctionDef:
    matches = [n for n in ast.walk(_tree(ROOT / rel)) if isinstance(n, ast.FunctionDef) and n.name == name]
    assert matches, f"{rel} has no function {name} any more: update CODE_RETURNING in {THIS}"
    return matches[0]


def _pattern(node: ast.JoinedStr) -> str:
    return "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                   for v in node.values if isinstance(v, ast.Constant | ast.FormattedValue))


def dynamic_codes() -> list[tuple[str, str, int]]:
    """(code, file, line) of the codes CODE_RETURNING functions return, f-strings expanded by DYNAMIC."""
    found = []
    for rel, name in CODE_RETURNING:
        for node in ast.walk(_function(rel, name)):
            if not isinstance(node, ast.Return) or node.value is None:
                continue
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            for value in values:
                found += [(c.value, rel, c.lineno) for c in _strings(value)]
                if isinstance(value, ast.JoinedStr):
                    pattern = _pattern(value)
                    assert pattern in DYNAMIC, (
                        f"{rel}:{value.lineno}: {name} returns the computed code f\"{pattern}\": list the codes it "
                        f"makes in DYNAMIC of {THIS} and register them in shop/core/error_codes.py")
                    found += [(code, rel, value.lineno) for code in sorted(DYNAMIC[pattern]())]
    return found


def _unregistered(found: list[tuple[str, str, int]]) -> list[str]:
    return sorted({f"{rel}:{line}: {code!r}" for code, rel, line in found if code not in ERROR_CODES})


# ---------------------------------------------------------------- the registry is complete

def test_the_scan_sees_the_known_kinds_of_code_sites() -> None:
    """Guards the scanner itself: one code of each kind of site it must understand."""
    codes = {code for code, _, _ in scan()}
    assert {"conflict", "bad_request"} <= codes  # class tuple-assign, annotated class attribute
    assert {"out_of_stock", "insufficient_stock"} <= codes  # code = "..." if ... else "..."
    assert {"account_disabled", "refresh_token_reused", "token_revoked"} <= codes  # positional helpers
    assert "invalid_credentials" in codes  # the default of signin._failed(code=...)
    assert {"malformed_json", "route_not_found", "invalid_cursor"} <= codes
    assert "NFKC" not in codes  # unicodedata.normalize is not shop.buying.pickup.normalize


def test_every_code_in_the_source_is_registered() -> None:
    missing = _unregistered(scan())
    assert not missing, (
        "error codes the API can answer that shop/core/error_codes.py does not list; register each in "
        "ERROR_CODES (alphabetical, with a one-line description), or if a literal is not an API error "
        f"code, add it to NOT_API_CODES in {THIS} with the reason:\n  " + "\n  ".join(missing))


def test_every_computed_checkout_and_coupon_code_is_registered() -> None:
    found = dynamic_codes()
    assert {"coupon_locked", "coupon_used", "coupon_expired", "too_many_coupons"} <= {c for c, _, _ in found}
    missing = _unregistered(found)
    assert not missing, ("codes a checkout Problem (and so POST /orders) can carry that shop/core/error_codes.py "
                         "does not list; register them:\n  " + "\n  ".join(missing))


def test_the_codes_the_checkout_problem_documents_are_registered() -> None:
    from shop.buying.models.checkout import Problem

    description = Problem.model_fields["code"].description or ""
    documented = set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", description)) - {"coupon_ids"}
    assert "out_of_stock" in documented
    unregistered = sorted(documented - set(ERROR_CODES))
    assert not unregistered, f"Problem.code documents codes shop/core/error_codes.py does not list: {unregistered}"


# ---------------------------------------------------------------- the registry is current and tidy

def _source_strings() -> set[str]:
    return {n.value for path in _files() for n in ast.walk(_tree(path))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_every_registered_code_is_still_produced() -> None:
    produced = _source_strings() | {code for code, _, _ in dynamic_codes()}
    stale = sorted(set(ERROR_CODES) - produced)
    assert not stale, f"registered codes no source produces any more; drop them from shop/core/error_codes.py: {stale}"


def test_codes_are_snake_case_described_and_sorted() -> None:
    assert [c for c in ERROR_CODES if not CODE.match(c)] == []
    assert [c for c, text in ERROR_CODES.items() if not text.strip() or "\n" in text] == []
    assert list(ERROR_CODES) == sorted(ERROR_CODES), "keep ERROR_CODES in alphabetical order"


def test_the_registry_module_imports_nothing() -> None:
    tree = _tree(ROOT / "layers/shop/shop/core/error_codes.py")
    imports = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert imports == ["from __future__ import annotations"]


# ---------------------------------------------------------------- the clients know only real codes

def client_module(stem: str) -> Path:
    found = [p for p in (ROOT / f"{stem}.js", ROOT / f"{stem}.ts") if p.exists()]
    assert len(found) == 1, f"expected one of {stem}.js / {stem}.ts, found {[_rel(p) for p in found]}"
    return found[0]


def message_keys(path: Path) -> list[str]:
    """The keys of the ``MESSAGES`` object literal of a client's error module (one ``  key: ...``
    line each, two spaces in; continuation lines are deeper)."""
    text = path.read_text("utf-8")
    start = re.search(r"^(?:export\s+)?const\s+MESSAGES\b[^=\n]*=\s*\{\s*$", text, re.MULTILINE)
    assert start, f"{_rel(path)}: no `const MESSAGES = {{` found"
    end = re.compile(r"^\}", re.MULTILINE).search(text, start.end())
    assert end, f"{_rel(path)}: MESSAGES is not closed"
    return re.findall(r"^  ([A-Za-z_][A-Za-z0-9_]*)\s*:", text[start.end():end.start()], re.MULTILINE)


@pytest.mark.parametrize("client", sorted(CLIENT_CODES))
def test_the_client_messages_name_codes_the_backend_answers(client: str) -> None:
    module = client_module(client)
    keys = message_keys(module)
    assert len(keys) >= 10 and "service_unavailable" in keys  # the parse found the object
    local = CLIENT_CODES[client]
    unknown = sorted(k for k in keys if k not in ERROR_CODES and k not in local)
    assert not unknown, (
        f"{_rel(module)}: MESSAGES translates codes the backend never answers: {unknown}. Remove them from MESSAGES, "
        f"or register the code in shop/core/error_codes.py if the backend does produce it, or list it in "
        f"CLIENT_CODES of {THIS} if the client makes it itself")


@pytest.mark.parametrize("client", sorted(CLIENT_CODES))
def test_the_client_side_codes_are_made_by_the_client(client: str) -> None:
    src = client_module(client).parent.parent
    text = "\n".join(p.read_text("utf-8") for ext in ("js", "ts", "vue") for p in sorted(src.rglob(f"*.{ext}")))
    for code in CLIENT_CODES[client]:
        assert code not in ERROR_CODES, f"{code} is a backend code; drop it from CLIENT_CODES"
        assert f"'{code}'" in text or f'"{code}"' in text, f"{src.relative_to(ROOT)} never makes the code {code}"
