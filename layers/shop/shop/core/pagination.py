"""Opaque cursors: base64url JSON that the server alone interprets. A cursor is bound to the query
that produced it; one that is malformed, tampered with or replayed against another query is a 400
``invalid_cursor``, never a 500."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from shop.core.errors import InvalidRequest

MAX_CURSOR_LENGTH = 512


def encode(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def invalid_cursor(message: str = "The cursor is not valid for this query; start again without it.") -> InvalidRequest:
    return InvalidRequest(message, code="invalid_cursor")


def decode(cursor: str) -> dict[str, Any]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid_cursor()
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise invalid_cursor() from None
    if not isinstance(payload, dict):
        raise invalid_cursor()
    return payload
