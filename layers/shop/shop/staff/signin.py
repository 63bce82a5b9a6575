"""Staff sign-in: password (+ TOTP) for the web console, WeChat for pickup verifiers in the
mini-program, and the brute-force limits around them (docs/staff.md, "Signing in").

Account attributes this module keeps (PK=MERCHANT#<name> SK=ACCOUNT):
  failed_attempts (N)   consecutive failed sign-ins; an attempt is counted BEFORE its password is
                        checked, by the conditional UpdateItem that admits it, and given back when it
                        succeeds (or stops at "enter your code"), so parallel guesses cannot outrun it
  backoff_until (N)     after STAFF_SIGNIN_BACKOFF_AFTER failures no attempt is admitted until then
                        (30 s, doubling per further failure, at most 15 minutes): 429 too_many_attempts
  locked_at (S)         after STAFF_SIGNIN_LOCK_AFTER failures: 403 account_locked until an owner
                        unlocks (POST /admin/staff/{name}/unlock, audited)
  totp (M)              {secret, enrolled_at}: the enrolled second factor (never returned, never logged)
  totp_pending (M)      {secret, expires_at}: an enrollment waiting for its first code
  totp_last_step (N)    the last TOTP time step accepted: a code is never accepted twice
and per source IP an item PK=SIGNIN_IP#<ip or IPv6 /64> SK=WINDOW#<n> {attempts, ttl}: at most
STAFF_SIGNIN_IP_LIMIT sign-in attempts per STAFF_SIGNIN_IP_WINDOW_SECONDS from one address.
"""

from __future__ import annotations

import ipaddress
import math
import os
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.core.errors import Forbidden, InvalidRequest, TooManyRequests
from shop.staff import devices, passwords, roles, totp
from shop.staff.auth_models import SignedIn, SignInRequest, TotpSetup
from shop.staff.sessions import DISABLED, account_key

DEFAULTS = {"STAFF_SIGNIN_BACKOFF_AFTER": 5, "STAFF_SIGNIN_BACKOFF_SECONDS": 30, "STAFF_SIGNIN_BACKOFF_MAX_SECONDS": 900,
            "STAFF_SIGNIN_LOCK_AFTER": 10, "STAFF_SIGNIN_IP_LIMIT": 30, "STAFF_SIGNIN_IP_WINDOW_SECONDS": 600,
            "STAFF_TOTP_SETUP_SECONDS": 600}
ISSUER = "minishop"
GENERIC = "账号或密码错误。"


def setting(name: str) -> int:
    return int(os.environ.get(name) or DEFAULTS[name])


def _failed(code: str = "invalid_credentials", message: str = GENERIC, details: Any = None) -> Exception:
    err = devices.unauthorized(message, code)
    err.details = details
    return err


def _locked() -> Forbidden:
    return Forbidden("账号因多次登录失败已锁定，请联系店主解锁。", code="account_locked")


def _slow_down(retry_after: int) -> TooManyRequests:
    retry_after = max(1, retry_after)
    return TooManyRequests(f"尝试次数过多，请 {retry_after} 秒后再试。", code="too_many_attempts",
                           details={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)})


# ---------------------------------------------------------------- per source IP

def ip_bucket(ip: str) -> str:
    """What one client is, for counting: the IPv4 address, or the IPv6 /64 (one subscriber's)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def limit_ip(ip: str, at: int) -> None:
    """Count one sign-in attempt from ``ip`` in the current window (one atomic ADD); 429 beyond the limit."""
    window = setting("STAFF_SIGNIN_IP_WINDOW_SECONDS")
    index = at // window
    attempts = int(db.client().update_item(
        TableName=db.table(), Key={"PK": {"S": f"SIGNIN_IP#{ip_bucket(ip)}"}, "SK": {"S": f"WINDOW#{index}"}},
        UpdateExpression="ADD attempts :one SET #t = :type, #ttl = :ttl",
        ExpressionAttributeNames={"#t": "type", "#ttl": "ttl"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":type": {"S": "signin_ip"},
                                   ":ttl": {"N": str((index + 1) * window + 3600)}},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]["attempts"]["N"])
    if attempts > setting("STAFF_SIGNIN_IP_LIMIT"):
        metrics.add_metric(name="StaffSignInIpLimited", unit=MetricUnit.Count, value=1)
        logger.warning("sign-in attempts from one address over the limit", extra={"attempts": attempts})
        raise _slow_down((index + 1) * window - at)


# ---------------------------------------------------------------- per account

def _claim(name: str, at: int) -> dict[str, Any] | None:
    """Admit one attempt on ``name``'s password, counted as failed until it succeeds: the account
    (as now), or None for a name without a password; 403 locked, 429 backing off."""
    try:
        return db.client().update_item(
            TableName=db.table(), Key=account_key(name),
            UpdateExpression="ADD failed_attempts :one SET last_attempt_at = :when",
            ConditionExpression="attribute_exists(password_hash) AND attribute_not_exists(locked_at) "
                                "AND (attribute_not_exists(failed_attempts) OR failed_attempts < :lock) "
                                "AND (attribute_not_exists(backoff_until) OR backoff_until <= :now)",
            ExpressionAttributeValues={":one": {"N": "1"}, ":when": {"S": iso_from_epoch(at)}, ":now": {"N": str(at)},
                                       ":lock": {"N": str(setting("STAFF_SIGNIN_LOCK_AFTER"))}},
            ReturnValues="ALL_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )["Attributes"]
    except Exception as exc:
        if not db.is_condition_failure(exc):
            raise
        old = getattr(exc, "response", {}).get("Item") or {}
    if "password_hash" not in old:
        return None
    if "locked_at" in old or int(old.get("failed_attempts", {}).get("N", "0")) >= setting("STAFF_SIGNIN_LOCK_AFTER"):
        raise _locked()
    raise _slow_down(math.ceil(int(old["backoff_until"]["N"]) - at))


def _give_back(name: str) -> None:
    """The attempt was not a failure (a right password waiting for its code)."""
    db.update_if(Key=account_key(name), UpdateExpression="ADD failed_attempts :minus",
                 ConditionExpression="failed_attempts > :zero",
                 ExpressionAttributeValues={":minus": {"N": "-1"}, ":zero": {"N": "0"}})


def _record_failure(name: str, failures: int, at: int, why: str) -> Exception:
    """After the ``failures``-th consecutive failure: back off, or lock. The error to answer with."""
    metrics.add_metric(name="StaffSignInFailed", unit=MetricUnit.Count, value=1)
    logger.info("staff sign-in failed", extra={"staff": name, "failures": failures, "why": why})
    if failures >= setting("STAFF_SIGNIN_LOCK_AFTER"):
        db.client().update_item(TableName=db.table(), Key=account_key(name),
                                UpdateExpression="SET locked_at = if_not_exists(locked_at, :when)",
                                ExpressionAttributeValues={":when": {"S": iso_from_epoch(at)}})
        metrics.add_metric(name="StaffAccountLocked", unit=MetricUnit.Count, value=1)
        logger.warning("staff account locked after failed sign-ins", extra={"staff": name, "failures": failures})
        return _locked()
    after = setting("STAFF_SIGNIN_BACKOFF_AFTER")
    if failures >= after:
        wait = min(setting("STAFF_SIGNIN_BACKOFF_SECONDS") * 2 ** (failures - after),
                   setting("STAFF_SIGNIN_BACKOFF_MAX_SECONDS"))
        db.update_if(Key=account_key(name), UpdateExpression="SET backoff_until = :until",
                     ConditionExpression="attribute_exists(PK) AND (attribute_not_exists(backoff_until) OR backoff_until < :until)",
                     ExpressionAttributeValues={":until": {"N": str(at + wait)}})
    if why == "totp":
        return _failed("invalid_totp_code", "动态口令错误或已使用过。")
    return _failed()


# ---------------------------------------------------------------- second factor

def _pending(account: dict[str, Any], at: int) -> tuple[str, int] | None:
    pending = account.get("totp_pending", {}).get("M")
    if pending and int(pending["expires_at"]["N"]) > at:
        return pending["secret"]["S"], int(pending["expires_at"]["N"])
    return None


def start_enrollment(name: str, account: dict[str, Any], at: int, *, reuse: bool) -> TotpSetup:
    """A pending TOTP secret for ``name`` (kept until confirmed by a code, or it expires). ``reuse``:
    answer the pending one again if there is one (a second sign-in before the first code)."""
    current = _pending(account, at) if reuse else None
    if current is None:
        secret, expires = totp.new_secret(), at + setting("STAFF_TOTP_SETUP_SECONDS")
        if not db.update_if(
                Key=account_key(name), UpdateExpression="SET totp_pending = :p",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(totp)",
                ExpressionAttributeValues={":p": {"M": {"secret": {"S": secret}, "expires_at": {"N": str(expires)}}}}):
            from shop.core.errors import Conflict

            raise Conflict("已经启用了动态口令。", code="second_factor_already_enabled")
        current = (secret, expires)
    secret, expires = current
    return TotpSetup(otpauth_uri=totp.provisioning_uri(secret, account=name, issuer=ISSUER), secret=secret,
                     expires_at=iso_from_epoch(expires))  # type: ignore[arg-type]


def _enroll_parts(secret: str, step: int, at: int) -> tuple[str, str, dict[str, Any]]:
    """(SET clauses, condition, values) that turn the pending secret into the enrolled one."""
    return ("totp = :totp, totp_last_step = :step",
            "attribute_not_exists(totp) AND totp_pending.secret = :pending",
            {":totp": {"M": {"secret": {"S": secret}, "enrolled_at": {"S": iso_from_epoch(at)}}},
             ":step": {"N": str(step)}, ":pending": {"S": secret}})


def confirm_enrollment(name: str, code: str, at: int) -> str:
    """Enroll the pending secret when ``code`` is a current code of it; the enrollment time."""
    account = db.client().get_item(TableName=db.table(), Key=account_key(name), ConsistentRead=True,
                                   ProjectionExpression="totp_pending, totp").get("Item") or {}
    if "totp" in account:
        from shop.core.errors import Conflict

        raise Conflict("已经启用了动态口令。", code="second_factor_already_enabled")
    pending = _pending(account, at)
    step = totp.matching_step(pending[0], code, now=at) if pending else None
    if pending is None or step is None:
        raise InvalidRequest("动态口令错误或已过期，请重新设置。", code="invalid_totp_code")
    sets, condition, values = _enroll_parts(pending[0], step, at)
    if not db.update_if(Key=account_key(name), UpdateExpression=f"SET {sets} REMOVE totp_pending",
                        ConditionExpression=condition, ExpressionAttributeValues=values):
        raise InvalidRequest("动态口令错误或已过期，请重新设置。", code="invalid_totp_code")
    logger.info("staff second factor enrolled", extra={"staff": name})
    return iso_from_epoch(at)


# ---------------------------------------------------------------- signing in

def _signed_in(name: str, role: str, account: dict[str, Any], *, channel: str, user_agent: str, ip: str, at: int,
               account_update: dict[str, Any] | None, second_factor: bool) -> tuple[SignedIn, str]:
    """Create the session (with ``account_update`` in the same transaction) and issue the tokens."""
    at = devices.wait_past(int(account.get("tokens_valid_after", {}).get("N", "0")), at)
    put, refresh, sid, absolute = devices.new_session(name, channel=channel, user_agent=user_agent, ip=ip, at=at)
    actions = [put] if account_update is None else [{"Update": account_update}, put]
    reasons = db.transact_reasons(actions)
    if reasons is not None:
        raise _failed()  # the account changed under the sign-in (locked, the code used meanwhile)
    access, ttl = devices.access_token(name, sid, at)
    metrics.add_metric(name="StaffSignIn", unit=MetricUnit.Count, value=1)
    logger.info("staff signed in", extra={"staff": name, "role": role, "channel": channel, "sid": sid})
    return SignedIn(name=name, role=role, **_role_facts(role), session_id=sid, access_token=access, expires_in=ttl,
                    refresh_token=refresh, refresh_expires_at=iso_from_epoch(absolute),  # type: ignore[arg-type]
                    second_factor=second_factor), sid


def sign_in(request: SignInRequest, *, ip: str, user_agent: str) -> SignedIn:
    at = devices.now()
    limit_ip(ip, at)
    account = _claim(request.name, at)
    if account is None:
        passwords.spend_check_time(request.password)
        metrics.add_metric(name="StaffSignInFailed", unit=MetricUnit.Count, value=1)
        logger.info("staff sign-in failed", extra={"why": "no such account"})
        raise _failed()
    name, failures = request.name, int(account["failed_attempts"]["N"])
    stored = account["password_hash"]["S"]
    if not (passwords.MIN_LENGTH <= len(request.password) <= passwords.MAX_LENGTH):
        passwords.spend_check_time(request.password)
        raise _record_failure(name, failures, at, "password")
    if not passwords.verify(request.password, stored):
        raise _record_failure(name, failures, at, "password")
    if account.get("status", {}).get("S") == DISABLED:
        _give_back(name)
        raise _failed("account_disabled", "该员工账号已停用。")
    role = account.get("role", {}).get("S", "")
    sets = ["failed_attempts = :zero", "last_sign_in_at = :when"]
    conditions = ["attribute_not_exists(locked_at)"]
    values: dict[str, Any] = {":zero": {"N": "0"}, ":when": {"S": iso_from_epoch(at)}}
    enrolled = account.get("totp", {}).get("M")
    if enrolled or role in roles.SECOND_FACTOR_REQUIRED:
        pending = None if enrolled else _pending(account, at)
        if not request.totp or (not enrolled and pending is None):
            _give_back(name)
            if enrolled:
                raise _failed("second_factor_required", "请输入动态口令（身份验证器 App 中的 6 位数字）。")
            setup = start_enrollment(name, account, at, reuse=True)
            raise _failed("second_factor_setup_required", "店主和财务必须启用动态口令：请用身份验证器 App 扫码，"
                          "再连同密码和 6 位动态口令重新登录。", details=setup.model_dump(mode="json"))
        secret = enrolled["secret"]["S"] if enrolled else pending[0]  # type: ignore[index]
        last = int(account.get("totp_last_step", {}).get("N", "-1"))
        step = totp.matching_step(secret, request.totp, now=at, after_step=last)
        if step is None:
            raise _record_failure(name, failures, at, "totp")
        if enrolled:
            sets.append("totp_last_step = :step")
            conditions.append("(attribute_not_exists(totp_last_step) OR totp_last_step < :step)")
            values[":step"] = {"N": str(step)}
        else:
            enroll_sets, enroll_condition, enroll_values = _enroll_parts(secret, step, at)
            sets.append(enroll_sets)
            conditions.append(enroll_condition)
            values.update(enroll_values)
    if passwords.needs_rehash(stored):  # the parameters were raised since this hash was made
        sets.append("password_hash = :rehash")
        conditions.append("password_hash = :stored")
        values.update({":rehash": {"S": passwords.hash(request.password)}, ":stored": {"S": stored}})
    update = {"TableName": db.table(), "Key": account_key(name),
              "UpdateExpression": "SET " + ", ".join(sets) + " REMOVE backoff_until"
                                  + (", totp_pending" if not enrolled and ":totp" in values else ""),
              "ConditionExpression": " AND ".join(conditions), "ExpressionAttributeValues": values}
    signed, _ = _signed_in(name, role, account, channel="password", user_agent=user_agent, ip=ip, at=at,
                           account_update=update, second_factor=":step" in values)
    return signed


def wechat_sign_in(code: str, *, ip: str, user_agent: str) -> SignedIn:
    """A pickup verifier in the mini-program: code2session, then the WeChat binding the verifier's
    invitation made (PK=STAFF_WECHAT#<openid> SK=BINDING {name}), then the same tokens."""
    from shop.adapters import signer
    from shop.adapters.tokens import MERCHANT
    from shop.adapters.wechat.miniprogram import code_to_session

    at = devices.now()
    limit_ip(ip, at)
    signer.signing_key(MERCHANT)  # a deployment without its key fails before WeChat is asked
    wx = code_to_session(code)
    binding = db.client().get_item(TableName=db.table(), ConsistentRead=True,
                                   Key={"PK": {"S": f"STAFF_WECHAT#{wx.openid}"}, "SK": {"S": "BINDING"}},
                                   ProjectionExpression="#n", ExpressionAttributeNames={"#n": "name"}).get("Item")
    account = None
    if binding:
        name = binding["name"]["S"]
        account = db.client().get_item(TableName=db.table(), Key=account_key(name), ConsistentRead=True,
                                       ProjectionExpression="#n, #r, #st, locked_at, tokens_valid_after",
                                       ExpressionAttributeNames={"#n": "name", "#r": "role", "#st": "status"}).get("Item")
    if not account:
        metrics.add_metric(name="StaffSignInFailed", unit=MetricUnit.Count, value=1)
        logger.info("staff WeChat sign-in refused", extra={"why": "no binding"})
        raise _failed("not_staff", "这个微信没有绑定员工账号，请让店主发送邀请。")
    if account.get("status", {}).get("S") == DISABLED:
        raise _failed("account_disabled", "该员工账号已停用。")
    if "locked_at" in account:
        raise _locked()
    role = account.get("role", {}).get("S", "")
    if role in roles.SECOND_FACTOR_REQUIRED:
        raise Forbidden("店主和财务请在管理后台用密码和动态口令登录。", code="second_factor_required")
    signed, _ = _signed_in(name, role, account, channel="wechat", user_agent=user_agent, ip=ip, at=at,
                           account_update=None, second_factor=False)
    return signed


def _role_facts(role: str) -> dict[str, Any]:
    return {"role_label": roles.LABELS.get(role, role), "permissions": sorted(roles.ROLES.get(role, frozenset()))}


def refreshed(token: str | None) -> SignedIn:
    name, role, sid, new, absolute, at, second_factor = devices.refresh(token)
    access, ttl = devices.access_token(name, sid, at)
    logger.info("staff token refreshed", extra={"staff": name, "sid": sid})
    return SignedIn(name=name, role=role, **_role_facts(role), session_id=sid, access_token=access, expires_in=ttl,
                    refresh_token=new,
                    refresh_expires_at=iso_from_epoch(absolute), second_factor=second_factor)  # type: ignore[arg-type]


# ---------------------------------------------------------------- unlocking (an owner)

def unlock(name: str, *, by: str) -> dict[str, Any]:
    """Lift a lock (and any backoff): one transaction with its audit entry; 404 unknown account,
    409 account_not_locked."""
    from shop.adapters.clock import now_utc
    from shop.core import audit
    from shop.core.errors import Conflict, NotFound

    item = db.client().get_item(TableName=db.table(), Key=account_key(name), ConsistentRead=True,
                                ProjectionExpression="locked_at, failed_attempts, backoff_until").get("Item")
    if item is None:
        raise NotFound("没有这个员工账号。", code="staff_not_found")
    failures = int(item.get("failed_attempts", {}).get("N", "0"))
    locked = "locked_at" in item
    if not locked and "backoff_until" not in item and failures == 0:
        raise Conflict("这个账号没有被锁定。", code="account_not_locked")
    at = now_utc()
    update = {"Update": {
        "TableName": db.table(), "Key": account_key(name),
        "UpdateExpression": "SET failed_attempts = :zero, unlocked_at = :when, unlocked_by = :by "
                            "REMOVE locked_at, backoff_until",
        # compare-and-set on what was read, so the audit entry's "before" is what was changed
        "ConditionExpression": "attribute_exists(PK) AND " + (
            "locked_at = :locked" if locked else "attribute_not_exists(locked_at)")
                               + (" AND failed_attempts = :failures" if "failed_attempts" in item else ""),
        "ExpressionAttributeValues": {":zero": {"N": "0"}, ":when": {"S": iso_from_epoch(int(at.timestamp()))},
                                      ":by": {"S": by},
                                      **({":locked": item["locked_at"]} if locked else {}),
                                      **({":failures": item["failed_attempts"]} if "failed_attempts" in item else {})},
    }}
    entry = audit.entry(db.table(), actor=by, action="staff.account.unlock", target_type="staff", target_id=name,
                        at=at, before={"locked": locked, "failed_attempts": failures},
                        after={"locked": False, "failed_attempts": 0})
    if not db.transact([update, entry]):
        raise Conflict("账号状态刚刚变化，请刷新后重试。", code="staff_changed")
    logger.warning("staff account unlocked", extra={"staff": name, "by": by})
    return {"name": name, "locked": False, "failed_attempts": 0}
