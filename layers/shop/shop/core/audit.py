"""The audit log's entry: who changed what, when, from what to what. Every change a staff member
makes (catalog, prices, stock, orders, refunds, coupons, settings, staff) puts one of these in the
same TransactWriteItems as the change itself, so there is never a change without its entry nor an
entry for a change that did not happen. The staff context reads them back (GET /admin/audit).

Item: PK=AUDIT#<Beijing day> SK=<UTC ms>#<random>, with
  actor, action (``<context>.<thing>.<verb>``, e.g. ``catalog.product.update``), target_type,
  target_id, at (UTC ISO 8601), before / after (compact JSON of what the change touched, or absent),
  changed (the top-level fields whose values differ), note (optional reason);
  gsi1pk=AUDIT_TARGET#<type>#<id> and gsi2pk=AUDIT_ACTOR#<actor> (gsi1sk/gsi2sk = SK) to filter one
  thing's history or one person's actions without scanning days.

A day partition takes the shop's staff actions of one day: far below a partition's write limit.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

_BEIJING = timezone(timedelta(hours=8))
MAX_JSON = 120_000  # bytes of before + after; a DynamoDB item holds 400 KB


def _json(value: Any) -> str:
    def plain(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            return int(obj) if obj == obj.to_integral_value() else str(obj)
        if isinstance(obj, (set, frozenset)):
            return sorted(obj)
        if isinstance(obj, datetime):
            return obj.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        raise TypeError(f"not JSON: {type(obj).__name__}")

    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=plain)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if _json(before.get(k)) != _json(after.get(k)))


def day_of(at: datetime) -> str:
    """The Beijing business day an entry files under (YYYY-MM-DD)."""
    return at.astimezone(_BEIJING).date().isoformat()


def entry(table: str, *, actor: str, action: str, target_type: str, target_id: str, at: datetime,
          before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
          note: str | None = None) -> dict[str, Any]:
    """A TransactWriteItems action that writes one audit entry (a Put that never overwrites)."""
    ms = int(at.timestamp() * 1000)
    sort_key = f"{ms:013d}#{secrets.token_hex(4)}"
    item: dict[str, Any] = {
        "PK": {"S": f"AUDIT#{day_of(at)}"}, "SK": {"S": sort_key}, "type": {"S": "audit"},
        "actor": {"S": actor}, "action": {"S": action}, "target_type": {"S": target_type},
        "target_id": {"S": target_id}, "at": {"S": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"},
        "changed": {"L": [{"S": f} for f in changed_fields(before, after)]},
        "gsi1pk": {"S": f"AUDIT_TARGET#{target_type}#{target_id}"}, "gsi1sk": {"S": sort_key},
        "gsi2pk": {"S": f"AUDIT_ACTOR#{actor}"}, "gsi2sk": {"S": sort_key},
    }
    size = 0
    for name, value in (("before", before), ("after", after)):
        if value is not None:
            text = _json(value)
            size += len(text.encode())
            item[name] = {"S": text}
    if size > MAX_JSON:
        raise ValueError(f"audit entry for {action} {target_id} is {size} bytes; record less of the change")
    if note:
        item["note"] = {"S": note[:500]}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}
