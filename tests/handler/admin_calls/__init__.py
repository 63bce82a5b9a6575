"""A well-formed request for every /admin route, for the access tests (tests/handler/test_access.py):
each area of the back office has a module here with ``calls(api) -> {(method, route): (path, body)}``
(what a request names need not exist: a refused token is refused first). A module may also list
``PUBLIC``: /admin routes that take no staff token by design (signing in), and ``NOT_STATE_CHANGING``:
non-/admin POST/PUT/PATCH/DELETE routes that change no shopper's state (WeChat's pushes)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

Call = tuple[str, Any]


def _modules() -> list[Any]:
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]


def admin_calls(api: Any) -> dict[tuple[str, str], Call]:
    merged: dict[tuple[str, str], Call] = {}
    for module in _modules():
        calls = module.calls(api)
        assert not set(calls) & set(merged), f"{module.__name__} repeats a route"
        merged.update(calls)
    return merged


def public_admin_routes() -> set[tuple[str, str]]:
    return {route for module in _modules() for route in getattr(module, "PUBLIC", ())}


def not_state_changing() -> set[tuple[str, str]]:
    return {route for module in _modules() for route in getattr(module, "NOT_STATE_CHANGING", ())}
