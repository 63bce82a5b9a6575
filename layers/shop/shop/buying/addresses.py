"""The buyer's address book.

Items: PK=USER#<id> SK=ADDRESS#<address id> per address, and PK=USER#<id> SK=ADDRESSBOOK holding
``default_id`` and ``count``. There is one default by construction (a single pointer), the first
address becomes the default, and the address limit is held by a condition on ``count`` in the same
transaction that writes the address. Listing is one Query (``begins_with(SK, "ADDRESS")`` returns
the addresses and the book).
"""

from __future__ import annotations

from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.core.errors import Conflict, NotFound
from shop.core.ids import new_id
from shop.buying.models.addresses import Address, AddressInput, AddressList

MAX_ADDRESSES = 20
FIELDS = ("name", "phone", "province", "city", "district", "detail", "postal_code", "tag")


def book_key(user_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "ADDRESSBOOK"}}


def address_key(user_id: str, address_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"ADDRESS#{address_id}"}}


def phone_index(user_id: str, address_id: str, phone: str) -> dict[str, str]:
    """GSI2 keys that let the merchant find a buyer by the last four digits of an address's phone
    (shop.buying.customers)."""
    digits = "".join(c for c in phone if c.isdigit())
    return {"gsi2pk": f"PHONE4#{digits[-4:]}", "gsi2sk": f"{user_id}#{address_id}"}


def _not_found() -> NotFound:
    return NotFound("地址不存在。", code="address_not_found")


def _view(item: dict[str, Any], default_id: str | None) -> Address:
    return Address(id=item["address_id"], is_default=item["address_id"] == default_id,
                   **{k: item.get(k, "" if k == "district" else None) for k in FIELDS},
                   created_at=item["created_at"], updated_at=item["updated_at"])


def list_for(user_id: str) -> AddressList:
    resp = db.client().query(
        TableName=db.table(), ConsistentRead=True,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :a)",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":a": {"S": "ADDRESS"}},
    )
    items = [db.from_item(i) for i in resp.get("Items", [])]
    book = next((i for i in items if i["SK"] == "ADDRESSBOOK"), {})
    addresses = [i for i in items if i["SK"].startswith("ADDRESS#")]
    default_id = book.get("default_id")
    if default_id not in {a["address_id"] for a in addresses}:
        default_id = None
    views = sorted((_view(a, default_id) for a in addresses), key=lambda a: (not a.is_default, a.created_at))
    return AddressList(items=views, default_id=default_id)


def get(user_id: str, address_id: str) -> Address:
    for address in list_for(user_id).items:
        if address.id == address_id:
            return address
    raise _not_found()


def create(user_id: str, data: AddressInput) -> Address:
    address_id = new_id("a")
    now = iso_from_epoch(now_epoch())
    item = {"PK": f"USER#{user_id}", "SK": f"ADDRESS#{address_id}", "type": "address", "address_id": address_id,
            **data.model_dump(include=set(FIELDS)), "created_at": now, "updated_at": now,
            **phone_index(user_id, address_id, data.phone)}
    default = "default_id = :id" if data.is_default else "default_id = if_not_exists(default_id, :id)"
    try:
        db.client().transact_write_items(TransactItems=[
            {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}},
            {"Update": {"TableName": db.table(), "Key": book_key(user_id),
                        "UpdateExpression": f"SET #n = if_not_exists(#n, :zero) + :one, {default}",
                        "ConditionExpression": "attribute_not_exists(#n) OR #n < :max",
                        "ExpressionAttributeNames": {"#n": "count"},
                        "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}, ":id": {"S": address_id},
                                                      ":max": {"N": str(MAX_ADDRESSES)}}}},
        ])
    except Exception as exc:
        if "ConditionalCheckFailed" in db.cancellation_reasons(exc):
            raise Conflict(f"地址簿最多保存 {MAX_ADDRESSES} 个地址。", code="address_book_full") from None
        raise
    return get(user_id, address_id)


def update(user_id: str, address_id: str, data: AddressInput) -> Address:
    now = iso_from_epoch(now_epoch())
    fields = data.model_dump(include=set(FIELDS))
    sets = ", ".join(f"#{k} = :{k}" for k in fields) + ", updated_at = :now, gsi2pk = :g2pk, gsi2sk = :g2sk"
    index = phone_index(user_id, address_id, data.phone)
    book: dict[str, Any]
    if data.is_default:
        book = {"UpdateExpression": "SET default_id = :id"}
    else:  # no longer the default, if it was
        book = {"UpdateExpression": "REMOVE default_id"}
    try:
        db.client().update_item(
            TableName=db.table(), Key=address_key(user_id, address_id), UpdateExpression=f"SET {sets}",
            ConditionExpression="attribute_exists(PK)", ExpressionAttributeNames={f"#{k}": k for k in fields},
            ExpressionAttributeValues={**{f":{k}": db.to_value(v) for k, v in fields.items()}, ":now": {"S": now},
                                       ":g2pk": {"S": index["gsi2pk"]}, ":g2sk": {"S": index["gsi2sk"]}},
        )
    except Exception as exc:
        if db.is_condition_failure(exc):
            raise _not_found() from None
        raise
    try:
        db.client().update_item(
            TableName=db.table(), Key=book_key(user_id), **book,
            **({"ConditionExpression": "default_id = :id"} if not data.is_default else {}),
            ExpressionAttributeValues={":id": {"S": address_id}},
        )
    except Exception as exc:
        if not db.is_condition_failure(exc):
            raise
    return get(user_id, address_id)


def delete(user_id: str, address_id: str) -> None:
    try:
        db.client().transact_write_items(TransactItems=[
            {"Delete": {"TableName": db.table(), "Key": address_key(user_id, address_id),
                        "ConditionExpression": "attribute_exists(PK)"}},
            {"Update": {"TableName": db.table(), "Key": book_key(user_id),
                        "UpdateExpression": "SET #n = if_not_exists(#n, :one) - :one",
                        "ExpressionAttributeNames": {"#n": "count"}, "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ])
    except Exception as exc:
        if "ConditionalCheckFailed" in db.cancellation_reasons(exc):
            raise _not_found() from None
        raise
    try:  # it was the default: there is none now (the buyer picks another)
        db.client().update_item(TableName=db.table(), Key=book_key(user_id), UpdateExpression="REMOVE default_id",
                                ConditionExpression="default_id = :id", ExpressionAttributeValues={":id": {"S": address_id}})
    except Exception as exc:
        if not db.is_condition_failure(exc):
            raise
