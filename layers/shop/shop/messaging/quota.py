"""A shopper's sends of a subscribe-message template (docs/messages.md, "The quota").

WeChat's one-time subscriptions allow one send per acceptance, with no API to read how many are left,
so the shop keeps the count itself:

  PK=USER#<user_id>  SK=SUBQUOTA#<template_id>  {user_id, template_id, remaining, accepted_at, taken_at}

Every change is one conditional UpdateItem, never a read then a write, so concurrent requests can
neither lose an accept nor spend a send twice:
  add_one    ADD remaining 1 if it is absent or below CAP (an accept past CAP is not counted)
  take_one   remaining - 1 if remaining > 0 (False: none left, nothing sent)
  give_back  remaining + 1 if the item is there and below CAP (a send that did not go out)
"""

from __future__ import annotations

from datetime import UTC, datetime

from shop.adapters import db
from shop.adapters.clock import iso

CAP = 50  # sends held per shopper and template; WeChat counts more, but 50 outlast any campaign


def quota_key(user_id: str, template_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"SUBQUOTA#{template_id}"}}


def _now() -> dict[str, str]:
    return {"S": iso(datetime.now(UTC))}


def add_one(user_id: str, template_id: str) -> int:
    """Count one accept: the sends now held (CAP when it was already there)."""
    try:
        resp = db.client().update_item(
            TableName=db.table(), Key=quota_key(user_id, template_id),
            UpdateExpression="SET #t = :type, user_id = :user, template_id = :template, accepted_at = :now "
                             "ADD remaining :one",
            ConditionExpression="attribute_not_exists(remaining) OR remaining < :cap",
            ExpressionAttributeNames={"#t": "type"},
            ExpressionAttributeValues={":type": {"S": "subscribe_quota"}, ":user": {"S": user_id},
                                       ":template": {"S": template_id}, ":now": _now(), ":one": {"N": "1"},
                                       ":cap": {"N": str(CAP)}},
            ReturnValues="UPDATED_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except Exception as exc:
        if not db.is_condition_failure(exc):
            raise
        old = exc.response.get("Item", {}).get("remaining", {}).get("N")  # type: ignore[attr-defined]
        return int(old) if old else CAP
    return int(resp["Attributes"]["remaining"]["N"])


def take_one(user_id: str, template_id: str) -> bool:
    """Spend one send before sending: False when the shopper holds none (then send nothing)."""
    return db.update_if(
        Key=quota_key(user_id, template_id), UpdateExpression="SET remaining = remaining - :one, taken_at = :now",
        ConditionExpression="remaining > :zero",
        ExpressionAttributeValues={":one": {"N": "1"}, ":zero": {"N": "0"}, ":now": _now()})


def give_back(user_id: str, template_id: str) -> bool:
    """Return a send taken for a message that did not go out (WeChat busy, our configuration): False
    when there is no quota item or it is at CAP already."""
    return db.update_if(
        Key=quota_key(user_id, template_id), UpdateExpression="SET remaining = remaining + :one",
        ConditionExpression="remaining < :cap", ExpressionAttributeValues={":one": {"N": "1"}, ":cap": {"N": str(CAP)}})


def remaining(user_id: str, template_id: str) -> int:
    """The sends held now (one consistent GetItem)."""
    item = db.client().get_item(TableName=db.table(), Key=quota_key(user_id, template_id), ConsistentRead=True,
                                ProjectionExpression="remaining").get("Item")
    return int(item["remaining"]["N"]) if item and "remaining" in item else 0
