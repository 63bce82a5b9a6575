"""Reading the audit log (GET /admin/audit; the entries are written by shop.core.audit in the same
transaction as each change). docs/staff.md, "The audit log", has the design:

- one thing's history (target_type + target_id): Query GSI1, gsi1pk=AUDIT_TARGET#<type>#<id>;
- one person's actions (actor): Query GSI2, gsi2pk=AUDIT_ACTOR#<actor>;
- otherwise the day partitions PK=AUDIT#<Beijing day>, newest day first.

Sort keys are ``<UTC ms>#<random>``, so a date range is a key range (BETWEEN) on every one of them
and newest first is ScanIndexForward=False. The remaining filters (action exact or by prefix, the
actor when the target decides the index) are FilterExpressions. A page stops at ``limit`` entries
or after MAX_QUERIES queries (a rare action over 31 quiet days), whichever comes first, with a
cursor to go on; a page may therefore hold fewer than ``limit`` entries and still have a cursor.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta
from typing import Any

from shop.adapters import db
from shop.adapters.clock import SHANGHAI, business_day
from shop.core import pagination
from shop.core.errors import InvalidRequest
from shop.staff.models import AuditEntry, AuditPage

DEFAULT_DAYS, MAX_DAYS = 7, 31
MAX_QUERIES = 12


def _ms(day: date) -> int:
    return int(datetime.combine(day, time(0), SHANGHAI).timestamp() * 1000)


def _entry(item: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        at=item["at"], actor=item["actor"], action=item["action"], target_type=item["target_type"],
        target_id=item["target_id"], before=json.loads(item["before"]) if "before" in item else None,
        after=json.loads(item["after"]) if "after" in item else None, changed=list(item.get("changed") or []),
        note=item.get("note"),
    )


def day_range(from_day: date | None, to_day: date | None) -> tuple[date, date]:
    """The days searched: default the last 7 (today included), at most 31."""
    to_day = to_day or (from_day + timedelta(days=DEFAULT_DAYS - 1) if from_day else business_day())
    from_day = from_day or to_day - timedelta(days=DEFAULT_DAYS - 1)
    if from_day > to_day:
        raise InvalidRequest("from 不能晚于 to。", code="invalid_date_range")
    if (to_day - from_day).days + 1 > MAX_DAYS:
        raise InvalidRequest(f"一次最多查询 {MAX_DAYS} 天。", code="date_range_too_long",
                             details={"max_days": MAX_DAYS})
    return from_day, to_day


def search(*, from_day: date | None = None, to_day: date | None = None, actor: str | None = None,
           target_type: str | None = None, target_id: str | None = None, action: str | None = None,
           cursor: str | None = None, limit: int = 50) -> AuditPage:
    if (target_type is None) != (target_id is None):
        raise InvalidRequest("target_type 和 target_id 需要一起给出。", code="invalid_target_filter")
    start, end = day_range(from_day, to_day)
    low, high = f"{_ms(start):013d}", f"{_ms(end + timedelta(days=1)) - 1:013d}#~"
    filters, names, values = [], {}, {}
    if action:
        names["#a"] = "action"
        values[":act"] = {"S": action}
        filters.append("begins_with(#a, :act)" if action.endswith(".") else "#a = :act")
    if target_type is not None:
        mode, index, pk_name, sk_name = "target", "GSI1", "gsi1pk", "gsi1sk"
        partitions = [f"AUDIT_TARGET#{target_type}#{target_id}"]
        if actor:
            filters.append("#actor = :actor")
            names["#actor"] = "actor"
            values[":actor"] = {"S": actor}
    elif actor:
        mode, index, pk_name, sk_name = "actor", "GSI2", "gsi2pk", "gsi2sk"
        partitions = [f"AUDIT_ACTOR#{actor}"]
    else:
        mode, index, pk_name, sk_name = "day", None, "PK", "SK"
        partitions = [f"AUDIT#{(end - timedelta(days=i)).isoformat()}" for i in range((end - start).days + 1)]
    query_id = hashlib.sha256(json.dumps([mode, start.isoformat(), end.isoformat(), actor, target_type, target_id,
                                          action], ensure_ascii=False).encode()).hexdigest()[:16]
    part_index, start_key = 0, None
    if cursor:
        payload = pagination.decode(cursor)
        part_index, start_key = payload.get("p"), payload.get("k")
        if payload.get("q") != query_id or not isinstance(part_index, int) or not 0 <= part_index < len(partitions) \
                or not isinstance(start_key, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                              for k, v in start_key.items()) \
                or set(start_key) != ({"PK", "SK", pk_name, sk_name} if index else {"PK", "SK"}) \
                or start_key[pk_name] != partitions[part_index]:
            raise pagination.invalid_cursor()
    items: list[AuditEntry] = []
    queries = 0
    next_cursor = None
    while part_index < len(partitions):
        params: dict[str, Any] = {
            "TableName": db.table(), "ScanIndexForward": False, "Limit": limit - len(items),
            "KeyConditionExpression": f"{pk_name} = :pk AND {sk_name} BETWEEN :low AND :high",
            "ExpressionAttributeValues": {":pk": {"S": partitions[part_index]}, ":low": {"S": low},
                                          ":high": {"S": high}, **values},
        }
        if index:
            params["IndexName"] = index
        if filters:
            params["FilterExpression"] = " AND ".join(filters)
        if names:
            params["ExpressionAttributeNames"] = names
        if start_key:
            params["ExclusiveStartKey"] = {k: {"S": v} for k, v in start_key.items()}
        resp = db.client().query(**params)
        queries += 1
        found = resp.get("Items", [])
        items += [_entry(db.from_item(i)) for i in found]
        last = resp.get("LastEvaluatedKey")
        if len(items) >= limit:
            if last or part_index + 1 < len(partitions):
                keys = {"PK", "SK", pk_name, sk_name} if index else {"PK", "SK"}
                key = {k: found[-1][k]["S"] for k in keys} if found else {k: v["S"] for k, v in last.items()}
                next_cursor = pagination.encode({"q": query_id, "p": part_index, "k": key})
            break
        if last:
            start_key = {k: v["S"] for k, v in last.items()}
        else:
            part_index, start_key = part_index + 1, None
        if queries >= MAX_QUERIES and part_index < len(partitions):
            if start_key:
                next_cursor = pagination.encode({"q": query_id, "p": part_index, "k": start_key})
            else:  # the next partition from its start: a key no entry has, just above every real one
                next_cursor = pagination.encode({"q": query_id, "p": part_index,
                                                 "k": _top_key(partitions[part_index], high, index, pk_name, sk_name)})
            break
    return AuditPage(items=items, next_cursor=next_cursor, from_day=start.isoformat(), to_day=end.isoformat())


def _top_key(partition: str, high: str, index: str | None, pk_name: str, sk_name: str) -> dict[str, str]:
    """An ExclusiveStartKey above every entry of ``partition`` in the range (newest first starts below it)."""
    if index is None:
        return {"PK": partition, "SK": high + "~"}
    return {"PK": partition, "SK": high + "~", pk_name: partition, sk_name: high + "~"}
