"""The owner manages staff accounts (docs/staff.md, "Inviting staff"): the list, role changes,
disabling and enabling.

- The list is one Query of GSI1 (gsi1pk="STAFF", every account carries it), projected to what the
  list shows: never a password hash, a TOTP secret or a session.
- A change is ONE transaction: the account's Update, conditional on the role and status it had when
  read (a concurrent change makes it 409 ``staff_changed``, not a lost update), a ConditionCheck that
  the caller is still an active owner, and the audit entry.
- Nobody changes their own role or status (409 ``cannot_change_self``). Together with the caller's
  ConditionCheck this keeps an active owner: a change that takes an owner away is made by another
  active owner, checked in the same transaction, so two owners demoting each other at the same
  moment leave one of them (DynamoDB serializes the two transactions; the second one's check fails).
- Disabling sets ``status = disabled`` and ``tokens_valid_after = now``: every access token stops
  on its next call (shop.staff.sessions), refreshing is refused (shop.staff.devices). A role change
  counts from the next call (every call reads the role).
"""

from __future__ import annotations

from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso, now_utc
from shop.adapters.observability import logger
from shop.core import audit
from shop.core.errors import Conflict, Forbidden, InvalidRequest, NotFound
from shop.staff import roles
from shop.staff.accounts import STAFF_INDEX
from shop.staff.models import StaffMember, StaffMemberPatch
from shop.staff.sessions import DISABLED, account_key

ACTIVE = "active"
_LIST_PROJECTION = ("#n, #r, #st, display_name, password_hash, totp, wechat_bound_at, locked_at, failed_attempts, "
                    "last_sign_in_at, created_at, invited_by")


def _member(item: dict[str, Any]) -> StaffMember:
    role = item.get("role", "")
    return StaffMember(
        name=item["name"], role=role, role_label=roles.LABELS.get(role, role), display_name=item.get("display_name"),
        status=DISABLED if item.get("status") == DISABLED else ACTIVE, has_password="password_hash" in item,
        second_factor="totp" in item, wechat_bound="wechat_bound_at" in item, locked="locked_at" in item,
        failed_attempts=int(item.get("failed_attempts") or 0), last_sign_in_at=item.get("last_sign_in_at"),
        created_at=item.get("created_at"), invited_by=item.get("invited_by"),
    )


def listing() -> list[StaffMember]:
    # password_hash and totp are read only to say whether they are set: _member keeps nothing else of them
    items = db.query_all(
        IndexName="GSI1", KeyConditionExpression="gsi1pk = :staff",
        ExpressionAttributeValues={":staff": {"S": STAFF_INDEX}}, ProjectionExpression=_LIST_PROJECTION,
        ExpressionAttributeNames={"#n": "name", "#r": "role", "#st": "status"},
    )
    return [_member(i) for i in items]


def _load(name: str) -> dict[str, Any]:
    raw = db.client().get_item(TableName=db.table(), Key=account_key(name), ConsistentRead=True,
                               ProjectionExpression=_LIST_PROJECTION,
                               ExpressionAttributeNames={"#n": "name", "#r": "role", "#st": "status"}).get("Item")
    if not raw:
        raise NotFound(f"没有员工账号 {name}。", code="staff_not_found")
    return db.from_item(raw)


def _action_name(changed: list[str], after: dict[str, Any]) -> str:
    if changed == ["status"]:
        return "staff.member.disable" if after["status"] == DISABLED else "staff.member.enable"
    if changed == ["role"]:
        return "staff.member.role"
    if changed == ["display_name"]:
        return "staff.member.rename"
    return "staff.member.update"


def update(name: str, patch: StaffMemberPatch, *, merchant: str) -> StaffMember:
    fields = patch.model_dump(exclude_none=True)
    if not fields:
        raise InvalidRequest("请至少修改一项：role、status 或 display_name。", code="nothing_to_change")
    if name == merchant and ({"role", "status"} & set(fields)):
        raise Conflict("不能修改自己的角色或停用自己；请另一位店主操作。", code="cannot_change_self")
    item = _load(name)
    before = {"role": item.get("role"), "status": DISABLED if item.get("status") == DISABLED else ACTIVE,
              "display_name": item.get("display_name")}
    after = {**before, **fields}
    changed = [k for k in ("role", "status", "display_name") if before[k] != after[k]]
    if not changed:
        return _member(item)
    at = now_utc()
    epoch = int(at.timestamp())
    sets, removes = [], []
    values: dict[str, Any] = {":old_role": {"S": before["role"] or ""}}
    names = {"#r": "role", "#st": "status"}
    condition = ["attribute_exists(PK)", "#r = :old_role"]
    if before["status"] == DISABLED:
        condition.append("#st = :disabled")
    else:
        condition.append("(attribute_not_exists(#st) OR #st <> :disabled)")
    values[":disabled"] = {"S": DISABLED}
    if "role" in changed:
        sets.append("#r = :role")
        values[":role"] = {"S": after["role"]}
    if "status" in changed:
        sets += ["#st = :status", "status_changed_at = :when", "status_changed_by = :by"]
        values |= {":status": {"S": after["status"]}, ":when": {"S": iso(at)}, ":by": {"S": merchant}}
        if after["status"] == DISABLED:
            sets.append("tokens_valid_after = :now")  # every token of the member stops on its next call
            values[":now"] = {"N": str(epoch)}
    if "display_name" in changed:
        if after["display_name"] is None:  # pragma: no cover - exclude_none keeps None out
            removes.append("display_name")
        else:
            sets.append("display_name = :dn")
            values[":dn"] = {"S": after["display_name"]}
    update_expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    actions: list[dict[str, Any]] = [{"Update": {
        "TableName": db.table(), "Key": account_key(name), "UpdateExpression": update_expression,
        "ConditionExpression": " AND ".join(condition), "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }}]
    guard = bool({"role", "status"} & set(changed))
    if guard:  # the caller is still an active owner when this commits
        actions.append({"ConditionCheck": {
            "TableName": db.table(), "Key": account_key(merchant),
            "ConditionExpression": "#r = :owner AND (attribute_not_exists(#st) OR #st <> :disabled)",
            "ExpressionAttributeNames": {"#r": "role", "#st": "status"},
            "ExpressionAttributeValues": {":owner": {"S": roles.OWNER}, ":disabled": {"S": DISABLED}},
        }})
    touched_before = {k: before[k] for k in changed}
    touched_after = {k: after[k] for k in changed}
    actions.append(audit.entry(db.table(), actor=merchant, action=_action_name(changed, after),
                               target_type="staff_member", target_id=name, at=at, before=touched_before,
                               after=touched_after))
    reasons = db.transact_reasons(actions)
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            raise Conflict("这个员工账号刚被别人修改过，请刷新后重试。", code="staff_changed")
        if guard and reasons[1] == "ConditionalCheckFailed":
            raise Forbidden("只有在职的店主可以修改员工（您的角色或状态刚刚被修改）。", code="not_an_active_owner")
        raise db.TransactionFailed(reasons)
    logger.info("staff member changed", extra={"staff": name, "changed": changed, "by": merchant})
    return _member({**item, **after})
