"""Merchant accounts and their tokens.

A merchant token (audience ``merchant``, shop.adapters.tokens) is issued by the MerchantTokens
function, the only function that can read the merchant-token private key, and lives hours
(MERCHANT_TOKEN_TTL_SECONDS, at most 12). Every /admin call checks, besides the signature and the
expiry, that the merchant account exists and that the token was issued after the account's
``tokens_valid_after``: revoking sets it to now, so every token issued until then stops working on
its next call, wherever it is. Issuing a token in the same second as a revocation waits for the next
second, so a fresh token is never caught by the revocation that preceded it.

Item: PK=MERCHANT#<name> SK=ACCOUNT {type, name, role, created_at, tokens_valid_after,
last_issued_at, last_issued_by, revoked_at, revoked_by}. ``role`` (shop.staff.roles) decides what
the token may do; an account created without one is the shop's owner. The merchant's name is the token's ``sub`` and is what
every merchant action records (shipped_by, decided_by, ...). Every account carries gsi1pk="STAFF",
gsi1sk=<name>, so the staff list (GET /admin/staff) is one index Query.

``create_owner`` is the deploy-time command that makes the shop's owner with a password (docs/staff.md,
"The owner"): once per shop, held by the item PK=STAFF SK=OWNER {name, created_at, created_by}, put
in the same transaction as the account and its audit entry, each conditional on not existing.
"""

from __future__ import annotations

import time

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.adapters.config import setting_int
from shop.adapters.observability import logger
from shop.adapters.tokens import MERCHANT
from shop.core.errors import Conflict, InvalidRequest, NotFound
from shop.staff.sessions import account_key
from shop.staff import roles
from shop.staff.models import MAX_HOURS, IssuedToken, MerchantTokenRequest, OwnerCreated, Revoked

STAFF_INDEX = "STAFF"  # gsi1pk of every staff account
OWNER_MARKER = {"PK": {"S": "STAFF"}, "SK": {"S": "OWNER"}}


def issue(request: MerchantTokenRequest) -> IssuedToken:
    """A new token for ``request.merchant``, creating the account the first time."""
    from shop.adapters import signer

    ttl = request.hours * 3600 if request.hours else min(setting_int("MERCHANT_TOKEN_TTL_SECONDS"), MAX_HOURS * 3600)
    now = now_epoch()
    account = db.client().update_item(
        TableName=db.table(), Key=account_key(request.merchant),
        UpdateExpression="SET #t = :type, #n = :name, created_at = if_not_exists(created_at, :when), "
                         "tokens_valid_after = if_not_exists(tokens_valid_after, :zero), "
                         "last_issued_at = :when, last_issued_by = :by, gsi1pk = :staff, gsi1sk = :name, "
                         + ("#r = :role" if request.role else "#r = if_not_exists(#r, :role)"),
        ExpressionAttributeNames={"#t": "type", "#n": "name", "#r": "role"},
        ExpressionAttributeValues={":type": {"S": "merchant"}, ":name": {"S": request.merchant}, ":staff": {"S": STAFF_INDEX},
                                   ":when": {"S": iso_from_epoch(now)}, ":zero": {"N": "0"}, ":by": {"S": request.by},
                                   ":role": {"S": request.role or roles.OWNER}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    valid_after = int(account["tokens_valid_after"]["N"])
    if now <= valid_after:  # revoked within this second: a token issued now would be refused
        time.sleep(max(0.0, valid_after + 1 - time.time()))
        now = max(now_epoch(), valid_after + 1)
    token, expires = signer.issue(request.merchant, audience=MERCHANT, now=now, ttl=ttl)
    role = account["role"]["S"]
    logger.info("merchant token issued", extra={"merchant": request.merchant, "role": role, "by": request.by,
                                                "expires_at": expires})
    return IssuedToken(merchant=request.merchant, role=role, token=token, expires_at=expires)


def revoke(request: MerchantTokenRequest) -> Revoked:
    """Every token of ``request.merchant`` issued until now stops working."""
    now = now_epoch()
    if not db.update_if(
        Key=account_key(request.merchant),
        UpdateExpression="SET tokens_valid_after = :now, revoked_at = :when, revoked_by = :by",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues={":now": {"N": str(now)}, ":when": {"S": iso_from_epoch(now)}, ":by": {"S": request.by}},
    ):
        raise NotFound(f"There is no merchant account {request.merchant}.", code="merchant_not_found")
    logger.warning("merchant tokens revoked", extra={"merchant": request.merchant, "by": request.by})
    return Revoked(merchant=request.merchant, tokens_valid_after=now)


def create_owner(request: MerchantTokenRequest) -> OwnerCreated:
    """The shop's owner account with a password, once: 409 owner_exists when an owner was created
    this way before (even concurrently), 409 name_taken when the name is another account's."""
    from shop.adapters.clock import now_utc
    from shop.core import audit
    from shop.staff import passwords

    if not request.password:
        raise InvalidRequest("create_owner needs a password.", code="invalid_request",
                             details=[{"field": "password", "message": "required"}])
    if problem := passwords.strength_problem(request.password):
        raise InvalidRequest(problem, code="weak_password")
    if request.display_name:
        from shop.core.models import text_problem

        if problem := text_problem(request.display_name):
            raise InvalidRequest(f"display_name {problem}", code="invalid_request")
    at = now_utc()
    when = iso_from_epoch(int(at.timestamp()))
    marker = {**OWNER_MARKER, "type": {"S": "staff_owner"}, "name": {"S": request.merchant}, "created_at": {"S": when},
              "created_by": {"S": request.by}}
    account = db.to_item({
        "PK": f"MERCHANT#{request.merchant}", "SK": "ACCOUNT", "type": "merchant", "name": request.merchant,
        "role": roles.OWNER, "status": "active", "display_name": request.display_name, "created_at": when,
        "created_by": request.by, "tokens_valid_after": 0, "password_hash": passwords.hash(request.password),
        "password_set_at": when, "gsi1pk": STAFF_INDEX, "gsi1sk": request.merchant,
    })
    reasons = db.transact_reasons([
        {"Put": {"TableName": db.table(), "Item": marker, "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Put": {"TableName": db.table(), "Item": account, "ConditionExpression": "attribute_not_exists(PK)"}},
        audit.entry(db.table(), actor=request.by, action="staff.owner.create", target_type="staff_member",
                    target_id=request.merchant, at=at, after={"role": roles.OWNER, "status": "active",
                                                              "display_name": request.display_name},
                    note="created by the operator (MerchantTokens create_owner)"),
    ])
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            raise Conflict("The shop's owner has already been created; further staff are invited by the owner.",
                           code="owner_exists")
        if reasons[1] == "ConditionalCheckFailed":
            raise Conflict(f"The name {request.merchant} is taken by another account; choose another.", code="name_taken")
        raise db.TransactionFailed(reasons)
    logger.warning("shop owner created", extra={"merchant": request.merchant, "by": request.by})
    return OwnerCreated(merchant=request.merchant, created_at=when)
