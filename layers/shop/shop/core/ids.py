"""Identifiers: a short type prefix and 26 random base32 characters (128 bits), e.g. ``u_k3...``."""

from __future__ import annotations

import base64
import re
import secrets

ID_PATTERN = r"^[a-z]{1,8}_[a-z0-9]{1,40}$"
_ID_RE = re.compile(ID_PATTERN)


def new_id(prefix: str) -> str:
    raw = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
    return f"{prefix}_{raw}"


def is_id(value: str) -> bool:
    return bool(_ID_RE.match(value))
