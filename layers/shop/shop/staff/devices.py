"""A staff member's signed-in devices: the refresh-token families behind the short-lived access
tokens (docs/staff.md, "Signing in").

One sign-in (password in the web console, or WeChat in the mini-program) is one session item

  PK=MERCHANT#<name> SK=SESSION#<sid> {type=staff_session, name, sid, channel, device, ip,
      created_at, created_epoch, last_used_at, last_used_epoch, idle_expires_at, absolute_expires_at,
      ttl, current_hash, generation, spent, revoked_at?, revoked_reason?}

and one refresh-token family. A refresh token is ``<name>.<sid>.<43 random characters>``
(secrets.token_urlsafe(32)); the table keeps only the SHA-256 of the current one (``current_hash``)
and the first 128 bits of the hashes already rotated out (``spent``). POST /admin/auth/refresh
replaces the current hash by one conditional UpdateItem, so a token is used once: a second use of it
(``spent``, or losing the conditional race to its own twin) means two parties hold the family - it is
revoked, with its access tokens (the sid goes into the account's ``revoked_sids``, which every
/admin call checks, shop.staff.sessions). A token whose sid is known but whose secret matches
nothing is refused without touching the family (the sid is in every access token; guessing must
not sign someone out).

A session ends at its idle timeout (no refresh for STAFF_SESSION_IDLE_SECONDS), its absolute
lifetime (STAFF_SESSION_MAX_SECONDS after the sign-in), when it is signed out (this device, one
device, or everywhere), when the account is disabled, and when the account's ``tokens_valid_after``
passes its creation (sign out everywhere, or the staff area ending someone's sessions). DynamoDB's
TTL removes the item a day after its absolute lifetime.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from typing import Any

from shop.adapters import clock, db
from shop.adapters.clock import iso_from_epoch
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.core.errors import NotFound, Unauthorized
from shop.staff.sessions import DISABLED, account_key

SESSION_PREFIX = "SESSION#"
REFRESH_COOKIE = "__Secure-staff_refresh"
COOKIE_PATH = "/admin/auth"
MAX_SPENT = 300  # rotated hashes kept per family (a 12-hour sign-in refreshing every 10 minutes: 72)
_TOKEN = re.compile(r"^([a-z0-9][a-z0-9_-]{1,31})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$")

DEFAULTS = {"STAFF_ACCESS_TTL_SECONDS": 600, "STAFF_SESSION_IDLE_SECONDS": 7200, "STAFF_SESSION_MAX_SECONDS": 43200}


def setting(name: str) -> int:
    return int(os.environ.get(name) or DEFAULTS[name])


def now() -> int:
    return clock.now_epoch()


def session_key(name: str, sid: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"MERCHANT#{name}"}, "SK": {"S": f"{SESSION_PREFIX}{sid}"}}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _new_token(name: str, sid: str) -> str:
    return f"{name}.{sid}.{secrets.token_urlsafe(32)}"


def device_label(user_agent: str) -> str:
    """A short label for the device list, from the user agent (never trusted for anything else)."""
    ua = user_agent or ""
    if "MicroMessenger" in ua or "miniProgram" in ua:
        return "微信小程序"
    browser = next((label for marker, label in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                                ("Safari/", "Safari")) if marker in ua), "浏览器")
    system = next((label for marker, label in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                               ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))
                   if marker in ua), "")
    return f"{browser} on {system}" if system else browser


def unauthorized(message: str, code: str) -> Unauthorized:
    return Unauthorized(message, code=code, headers={"WWW-Authenticate": 'Bearer realm="minishop"'})


# ---------------------------------------------------------------- issuing

def wait_past(valid_after: int, at: int) -> int:
    """A time after ``valid_after`` (tokens issued at or before it are refused): a sign-in in the same
    second as a "sign out everywhere" waits for the next second, as MerchantTokens does."""
    if at <= valid_after:
        time.sleep(max(0.0, valid_after + 1 - time.time()))
        at = max(now(), valid_after + 1)
    return at


def new_session(name: str, *, channel: str, user_agent: str, ip: str, at: int) -> tuple[dict[str, Any], str, str, int]:
    """(the Put of a new session item, its refresh token, its sid, its absolute expiry)."""
    sid = secrets.token_urlsafe(12)
    token = _new_token(name, sid)
    absolute = at + setting("STAFF_SESSION_MAX_SECONDS")
    item = {
        **session_key(name, sid), "type": {"S": "staff_session"}, "name": {"S": name}, "sid": {"S": sid},
        "channel": {"S": channel}, "device": {"S": device_label(user_agent)}, "user_agent": {"S": (user_agent or "-")[:200]},
        "ip": {"S": ip}, "created_at": {"S": iso_from_epoch(at)}, "created_epoch": {"N": str(at)},
        "last_used_at": {"S": iso_from_epoch(at)}, "last_used_epoch": {"N": str(at)},
        "idle_expires_at": {"N": str(min(absolute, at + setting("STAFF_SESSION_IDLE_SECONDS")))},
        "absolute_expires_at": {"N": str(absolute)}, "ttl": {"N": str(absolute + 86400)},
        "current_hash": {"S": token_hash(token)}, "generation": {"N": "1"}, "spent": {"L": []},
    }
    put = {"Put": {"TableName": db.table(), "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}
    return put, token, sid, absolute


def access_token(name: str, sid: str, at: int) -> tuple[str, int]:
    """A short-lived merchant-audience token for this sign-in (signed with the merchant-token key)."""
    from shop.adapters import signer
    from shop.adapters.tokens import MERCHANT

    ttl = setting("STAFF_ACCESS_TTL_SECONDS")
    token, _ = signer.issue(name, audience=MERCHANT, now=at, ttl=ttl, session_id=sid)
    return token, ttl


# ---------------------------------------------------------------- revoking

def revoked_sids_action(name: str, sids: list[str], account: dict[str, Any] | None, at: int) -> dict[str, Any]:
    """The Update that adds ``sids`` to the account's ``revoked_sids`` (sid -> epoch after which no
    access token of it can still be valid) and drops entries that have passed theirs. ``account`` is
    the account as read (its ``revoked_sids`` decides between creating the map and adding to it;
    the condition fails if that changed meanwhile, and the caller reads again)."""
    until = str(at + setting("STAFF_ACCESS_TTL_SECONDS") + 60)
    current = (account or {}).get("revoked_sids", {}).get("M") if account else None
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    if current is None:
        update = "SET revoked_sids = :m"
        values[":m"] = {"M": {sid: {"N": until} for sid in sids}}
        condition = "attribute_exists(PK) AND attribute_not_exists(revoked_sids)"
    else:
        sets, removes = [], []
        for i, sid in enumerate(sids):
            names[f"#a{i}"] = sid
            sets.append(f"revoked_sids.#a{i} = :u")
        for i, (sid, expiry) in enumerate(current.items()):
            if sid not in sids and int(expiry["N"]) < at:
                names[f"#p{i}"] = sid
                removes.append(f"revoked_sids.#p{i}")
        values[":u"] = {"N": until}
        update = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        condition = "attribute_exists(revoked_sids)"
    action: dict[str, Any] = {"TableName": db.table(), "Key": account_key(name), "UpdateExpression": update,
                              "ConditionExpression": condition, "ExpressionAttributeValues": values}
    if names:
        action["ExpressionAttributeNames"] = names
    return {"Update": action}


def _account_sids(name: str) -> dict[str, Any]:
    return db.client().get_item(TableName=db.table(), Key=account_key(name), ConsistentRead=True,
                                ProjectionExpression="revoked_sids").get("Item") or {}


def _end_session_action(name: str, sid: str, reason: str, at: int) -> dict[str, Any]:
    return {"Update": {
        "TableName": db.table(), "Key": session_key(name, sid),
        "UpdateExpression": "SET revoked_at = :at, revoked_reason = :why",
        "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(revoked_at)",
        "ExpressionAttributeValues": {":at": {"S": iso_from_epoch(at)}, ":why": {"S": reason}},
    }}


def end(name: str, sid: str, reason: str, account: dict[str, Any] | None = None) -> bool:
    """End one sign-in: its refresh family and, at once, its access tokens (one transaction). False
    when there is no such active sign-in."""
    for _ in range(4):
        at = now()
        account = account if account is not None else _account_sids(name)
        reasons = db.transact_reasons([_end_session_action(name, sid, reason, at),
                                       revoked_sids_action(name, [sid], account, at)])
        if reasons is None:
            logger.info("staff sign-in ended", extra={"staff": name, "sid": sid, "reason": reason})
            return True
        if reasons[0] == "ConditionalCheckFailed":
            return False
        # the account's condition: its revoked_sids map appeared meanwhile (it is never removed):
        # add to it this time (no read needed)
        account = {"revoked_sids": {"M": {}}}
    raise RuntimeError("could not record the revoked sign-in")  # pragma: no cover


def _sessions(name: str) -> list[dict[str, Any]]:
    return db.query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :s)", ConsistentRead=True,
        ExpressionAttributeValues={":pk": {"S": f"MERCHANT#{name}"}, ":s": {"S": SESSION_PREFIX}},
        ProjectionExpression="sid, revoked_at, absolute_expires_at",
    )


def end_everywhere(name: str) -> int:
    """Sign out everywhere: every access token issued until now stops (``tokens_valid_after``), and
    every refresh family is revoked (a session created before ``tokens_valid_after`` is refused
    anyway; marking them keeps the device list truthful). How many sign-ins were active."""
    at = now()
    db.client().update_item(
        TableName=db.table(), Key=account_key(name),
        UpdateExpression="SET tokens_valid_after = :now, signed_out_everywhere_at = :when",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues={":now": {"N": str(at)}, ":when": {"S": iso_from_epoch(at)}},
    )
    ended = 0
    for item in _sessions(name):
        if "revoked_at" in item or int(item["absolute_expires_at"]) <= at:
            continue
        if db.update_if(Key=session_key(name, item["sid"]), **{
                k: v for k, v in _end_session_action(name, item["sid"], "signed_out_everywhere", at)["Update"].items()
                if k not in ("TableName", "Key")}):
            ended += 1
    logger.warning("staff signed out everywhere", extra={"staff": name, "sessions": ended})
    return ended


# ---------------------------------------------------------------- refreshing

def _reuse(name: str, sid: str, account: dict[str, Any]) -> Unauthorized:
    end(name, sid, "refresh_token_reused", account)
    metrics.add_metric(name="StaffRefreshTokenReused", unit=MetricUnit.Count, value=1)
    logger.warning("refresh token reused: sign-in revoked", extra={"staff": name, "sid": sid})
    return unauthorized("登录凭证已被使用过，为安全起见该设备已退出登录，请重新登录。", "refresh_token_reused")


def refresh(token: str | None) -> tuple[str, str, str, str, int, int, bool]:
    """Rotate a refresh token: (name, role, sid, new refresh token, absolute expiry, now, whether the
    account has a second factor). 401
    invalid_refresh_token (unknown, expired, revoked), refresh_token_reused (the family is revoked),
    account_disabled."""
    match = _TOKEN.match(token or "")
    if not match:
        raise unauthorized("请重新登录。", "invalid_refresh_token")
    name, sid, _ = match.groups()
    found = db.batch_get([session_key(name, sid), account_key(name)])
    session = found.get((f"MERCHANT#{name}", f"{SESSION_PREFIX}{sid}"))
    account = found.get((f"MERCHANT#{name}", "ACCOUNT"))
    at = now()
    if session is None or account is None or "revoked_at" in session:
        raise unauthorized("请重新登录。", "invalid_refresh_token")
    presented = token_hash(token or "")
    if presented != session["current_hash"]["S"]:
        spent = {v["S"] for v in session.get("spent", {}).get("L", [])}
        if presented[:32] in spent:
            raise _reuse(name, sid, account)
        raise unauthorized("请重新登录。", "invalid_refresh_token")
    if account.get("status", {}).get("S") == DISABLED:
        raise unauthorized("该员工账号已停用。", "account_disabled")
    if int(session["created_epoch"]["N"]) <= int(account.get("tokens_valid_after", {}).get("N", "0")):
        raise unauthorized("已在所有设备退出登录，请重新登录。", "invalid_refresh_token")
    absolute = int(session["absolute_expires_at"]["N"])
    if at >= absolute or at >= int(session["idle_expires_at"]["N"]):
        raise unauthorized("登录已过期，请重新登录。", "session_expired")
    new = _new_token(name, sid)
    spent_list = session.get("spent", {}).get("L", [])[-(MAX_SPENT - 1):] + [{"S": presented[:32]}]
    rotated = db.update_if(
        Key=session_key(name, sid),
        UpdateExpression="SET current_hash = :new, generation = generation + :one, spent = :spent, "
                         "last_used_at = :when, last_used_epoch = :at, idle_expires_at = :idle",
        ConditionExpression="current_hash = :old AND attribute_not_exists(revoked_at)",
        ExpressionAttributeValues={
            ":new": {"S": token_hash(new)}, ":old": {"S": presented}, ":one": {"N": "1"}, ":spent": {"L": spent_list},
            ":when": {"S": iso_from_epoch(at)}, ":at": {"N": str(at)},
            ":idle": {"N": str(min(absolute, at + setting("STAFF_SESSION_IDLE_SECONDS")))},
        },
    )
    if not rotated:  # the same token used twice at the same moment: one of the two is not its owner
        raise _reuse(name, sid, account)
    at = wait_past(int(account.get("tokens_valid_after", {}).get("N", "0")), at)
    return name, account.get("role", {}).get("S", ""), sid, new, absolute, at, "totp" in account


# ---------------------------------------------------------------- the device list

def listing(name: str, current_sid: str | None) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The account (for PendingStaff.confirm) and its active sign-ins, in ONE consistent Query of the
    staff member's partition (the account item sorts before the sessions)."""
    from shop.staff.sessions import PROJECTION, PROJECTION_NAMES

    resp_items: list[dict[str, Any]] = []
    params: dict[str, Any] = {
        "TableName": db.table(), "ConsistentRead": True,
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":pk": {"S": f"MERCHANT#{name}"}, ":a": {"S": "ACCOUNT"}, ":b": {"S": "SESSION$"}},
        "ProjectionExpression": f"SK, {PROJECTION}, sid, channel, device, ip, created_at, created_epoch, last_used_at, "
                                "idle_expires_at, absolute_expires_at, revoked_at",
        "ExpressionAttributeNames": PROJECTION_NAMES,
    }
    while True:
        resp = db.client().query(**params)
        resp_items += resp.get("Items", [])
        if "LastEvaluatedKey" not in resp:
            break
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    account = next((i for i in resp_items if i["SK"]["S"] == "ACCOUNT"), None)
    valid_after = int((account or {}).get("tokens_valid_after", {}).get("N", "0"))
    at = now()
    devices = []
    for raw in resp_items:
        if not raw["SK"]["S"].startswith(SESSION_PREFIX):
            continue
        item = db.from_item(raw)
        expires = min(item["idle_expires_at"], item["absolute_expires_at"])
        if "revoked_at" in item or expires <= at or item["created_epoch"] <= valid_after:
            continue
        devices.append({"session_id": item["sid"], "channel": item["channel"], "device": item["device"], "ip": item["ip"],
                        "created_at": item["created_at"], "last_used_at": item["last_used_at"],
                        "expires_at": iso_from_epoch(expires), "current": item["sid"] == current_sid})
    devices.sort(key=lambda d: d["last_used_at"], reverse=True)
    return account, devices


def end_one(name: str, sid: str) -> None:
    if not end(name, sid, "signed_out"):
        raise NotFound("没有这个登录设备（可能已退出）。", code="session_not_found")
