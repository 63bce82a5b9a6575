"""The merchant's subscribe-message templates, one per shop event (docs/messages.md).

Item in the shop table:
  PK=SHOP  SK=SUBTPL#<event>  {event, template_id, page, keywords {<keyword>: <value name>}, enabled,
                               version, updated_at, updated_by}

A save is one transaction: the item, conditional on the version the merchant read (0: none yet; 409
``stale_version`` otherwise), and its audit entry (shop.core.audit). The keywords are checked against
the event's values before (shop.messaging.events.mapping_problems: 400 ``invalid_keyword_mapping``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso
from shop.core.errors import Conflict, InvalidRequest, NotFound
from shop.messaging import events, quota
from shop.messaging.models import (
    EventValue,
    PublicTemplate,
    PublicTemplateList,
    SubscribeEvent,
    SubscribeEventList,
    SubscribeTemplate,
    SubscribeTemplateUpdate,
)

PREFIX = "SUBTPL#"


def template_key(event: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": "SHOP"}, "SK": {"S": f"{PREFIX}{event}"}}


def _stored(*, consistent: bool) -> dict[str, dict[str, Any]]:
    """The saved templates by event (one Query of the shop's SUBTPL# items); events no longer in the
    table are left out."""
    items = db.query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)", ConsistentRead=consistent,
                         ExpressionAttributeValues={":pk": {"S": "SHOP"}, ":sk": {"S": PREFIX}})
    return {i["event"]: i for i in items if i.get("event") in events.EVENTS}


def _view(item: dict[str, Any]) -> SubscribeTemplate:
    return SubscribeTemplate.model_validate({k: item.get(k) for k in SubscribeTemplate.model_fields})


def _event_view(event: events.Event, item: dict[str, Any] | None) -> SubscribeEvent:
    return SubscribeEvent(
        event=event.name, label=event.label, description=event.description, suggested_page=event.page,
        values=[EventValue(name=v.name, label=v.label, example=v.example, description=v.description,
                           fits=sorted(v.fits), page_placeholder=v.page_value) for v in event.values],
        config=_view(item) if item else None)


def catalogue() -> SubscribeEventList:
    """Every event the shop can message about, with the merchant's template where saved (GET
    /admin/subscribe-templates: read consistently, so a save shows at once)."""
    stored = _stored(consistent=True)
    return SubscribeEventList(items=[_event_view(e, stored.get(name)) for name, e in events.EVENTS.items()],
                              quota_cap=quota.CAP)


def enabled() -> dict[str, dict[str, Any]]:
    """The enabled templates by event."""
    return {name: item for name, item in _stored(consistent=False).items() if item.get("enabled")}


def public_list() -> PublicTemplateList:
    """What the mini-program asks the shopper to accept (GET /subscribe-templates), in event order."""
    on = enabled()
    return PublicTemplateList(items=[PublicTemplate(event=name, template_id=on[name]["template_id"])
                                     for name in events.EVENTS if name in on])


def event_or_404(name: str) -> events.Event:
    event = events.EVENTS.get(name)
    if event is None:
        raise NotFound("没有这种消息事件。", code="subscribe_event_not_found", details={"events": list(events.EVENTS)})
    return event


def stale(current: int) -> Conflict:
    return Conflict("设置已被他人修改，请刷新后再保存。", code="stale_version", details={"current_version": current})


def _audited(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: data.get(k) for k in ("template_id", "page", "keywords", "enabled")}


def save(name: str, update: SubscribeTemplateUpdate, *, merchant: str) -> SubscribeTemplate:
    """Store the merchant's template for event ``name``: 404 for an event the shop does not have, 400
    for keywords or a page that do not fit the event, 409 when the version moved on."""
    event = event_or_404(name)
    problems = events.mapping_problems(event, update.keywords)
    if problems:
        raise InvalidRequest("模板关键词与事件的内容不匹配。", code="invalid_keyword_mapping", details={"problems": problems})
    page = update.page.lstrip("/") if update.page else None
    if page and (why := events.page_problem(event, page)):
        raise InvalidRequest(f"跳转页面无效：{why}", code="invalid_subscribe_page", details={"page": update.page})
    raw = db.client().get_item(TableName=db.table(), Key=template_key(name), ConsistentRead=True).get("Item")
    current = db.from_item(raw) if raw else None
    version = int(current.get("version", 0)) if current else 0
    if update.version != version:
        raise stale(version)
    at = datetime.now(UTC)
    fields = {"template_id": update.template_id, "page": page, "keywords": dict(update.keywords),
              "enabled": update.enabled}
    item = {"PK": "SHOP", "SK": f"{PREFIX}{name}", "type": "subscribe_template", "event": name, **fields,
            "version": version + 1, "updated_at": iso(at), "updated_by": merchant}
    put: dict[str, Any] = {"TableName": db.table(), "Item": db.to_item(item)}
    if current is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put.update(ConditionExpression="version = :expected", ExpressionAttributeValues={":expected": {"N": str(version)}})
    from shop.core import audit

    entry = audit.entry(db.table(), actor=merchant, action="settings.subscribe_template." + ("update" if current else "create"),
                        target_type="subscribe_template", target_id=name, at=at, before=_audited(current),
                        after=_audited(fields))
    if not db.transact([{"Put": put}, entry]):
        latest = db.client().get_item(TableName=db.table(), Key=template_key(name), ConsistentRead=True).get("Item")
        raise stale(int(latest["version"]["N"]) if latest and "version" in latest else 0)
    return _view(item)
