"""Bench samples of staff sign-in (bench/common.py SAMPLES, "back office: staff"): each builds its
event on fresh state made through the domain code (a staff account with a password, a signed-in
device, a pending second factor, a locked account)."""

from __future__ import annotations

import itertools
import time
from typing import Any

_n = itertools.count()
PASSWORD = "bench password 2026"


def _name(prefix: str) -> str:
    return f"{prefix}-{next(_n)}-{int(time.time() * 1000) % 100000}"


def _account(name: str, role: str = "manager", **extra: Any) -> None:
    from shop.adapters import db
    from shop.staff import passwords

    db.client().put_item(TableName=db.table(), Item=db.to_item({
        "PK": f"MERCHANT#{name}", "SK": "ACCOUNT", "type": "merchant", "name": name, "role": role,
        "created_at": "2026-12-01T00:00:00Z", "tokens_valid_after": 0, "password_hash": passwords.hash(PASSWORD),
        **extra}))


def _from(event: dict[str, Any]) -> dict[str, Any]:
    """Each sample from its own address: the per-IP sign-in limit is not what is measured."""
    event["requestContext"]["http"]["sourceIp"] = f"10.9.{next(_n) % 250}.{next(_n) % 250 + 1}"
    return event


def _device(name: str) -> tuple[str, str, str]:
    """A signed-in device of ``name`` (without spending a password check): (access, refresh, sid)."""
    from shop.adapters import db
    from shop.staff import devices

    at = devices.now()
    put, refresh, sid, _ = devices.new_session(name, channel="password", user_agent="bench", ip="10.0.0.1", at=at)
    db.transact([put])
    return devices.access_token(name, sid, at)[0], refresh, sid


def sign_in(w: Any) -> dict[str, Any]:
    name = _name("bench-signin")
    _account(name)
    return _from(w.http("POST", "/admin/auth/sign-in", {"name": name, "password": PASSWORD}, auth=None))


def refresh(w: Any) -> dict[str, Any]:
    name = _name("bench-refresh")
    _account(name)
    return w.http("POST", "/admin/auth/refresh", {"refresh_token": _device(name)[1]}, auth=None)


def wechat(w: Any) -> dict[str, Any]:
    from shop.adapters import db

    name, code = _name("bench-verifier"), f"bench-verifier-{next(_n)}"
    _account(name, role="pickup_verifier")
    db.client().put_item(TableName=db.table(), Item=db.to_item({
        "PK": f"STAFF_WECHAT#{w.stack.wechat.openid_for(code)}", "SK": "BINDING", "name": name,
        "bound_at": "2026-12-01T00:00:00Z", "bound_by": "bench"}))
    return _from(w.http("POST", "/admin/auth/wechat", {"code": code}, auth=None))


def totp_setup(w: Any) -> dict[str, Any]:
    name = _name("bench-totp")
    _account(name)
    return w.http("POST", "/admin/auth/totp/setup", auth=_device(name)[0])


def totp_confirm(w: Any) -> dict[str, Any]:
    from shop.staff import devices, signin, totp

    name = _name("bench-totp")
    _account(name)
    setup = signin.start_enrollment(name, {}, devices.now(), reuse=False)
    code = totp.code_at(setup.secret, int(time.time() // totp.STEP))
    return w.http("POST", "/admin/auth/totp/confirm", {"code": code}, auth=_device(name)[0])


def sessions(w: Any) -> dict[str, Any]:
    name = _name("bench-devices")
    _account(name)
    access = _device(name)[0]
    _device(name)
    return w.http("GET", "/admin/auth/sessions", auth=access)


def end_session(w: Any) -> dict[str, Any]:
    name = _name("bench-devices")
    _account(name)
    access, other = _device(name)[0], _device(name)[2]
    return w.http("DELETE", f"/admin/auth/sessions/{other}", auth=access)


def sign_out(w: Any) -> dict[str, Any]:
    name = _name("bench-devices")
    _account(name)
    return w.http("POST", "/admin/auth/sign-out", auth=_device(name)[0])


def sign_out_everywhere(w: Any) -> dict[str, Any]:
    name = _name("bench-devices")
    _account(name)
    access = _device(name)[0]
    _device(name)
    return w.http("POST", "/admin/auth/sign-out-everywhere", auth=access)


def unlock(w: Any) -> dict[str, Any]:
    name = _name("bench-locked")
    _account(name, failed_attempts=10, locked_at="2026-12-01T00:00:00Z")
    return w.http("POST", f"/admin/staff/{name}/unlock", auth="merchant")
