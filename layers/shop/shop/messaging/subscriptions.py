"""What the mini-program reports after wx.requestSubscribeMessage (POST /me/subscriptions): each
``accept`` of a template the shop sends (enabled for an event) counts one send in the caller's quota
(shop.messaging.quota). ``reject``, ``ban`` and ``filter`` change nothing: they are WeChat's own
state (ban: the shopper switched the shop's messages off; filter: WeChat dropped a template with the
same title from the popup), and WeChat refuses a send without an accept anyway. Template ids the shop
does not send are ignored and named in the answer."""

from __future__ import annotations

from collections.abc import Mapping

from shop.adapters.observability import MetricUnit, logger, metrics
from shop.messaging import quota, templates
from shop.messaging.models import SubscriptionResult


def record(user_id: str, results: Mapping[str, str]) -> SubscriptionResult:
    offered = {item["template_id"] for item in templates.enabled().values()}
    remaining: dict[str, int] = {}
    for template_id, result in results.items():
        if result == "accept" and template_id in offered:
            remaining[template_id] = quota.add_one(user_id, template_id)
    ignored = sorted(t for t in results if t not in offered)
    if remaining:
        metrics.add_metric(name="SubscribeAccepted", unit=MetricUnit.Count, value=len(remaining))
    logger.info("subscriptions reported", extra={"user_id": user_id, "accepted": sorted(remaining),
                                                 "declined": sorted(t for t, r in results.items() if r != "accept"),
                                                 "ignored": ignored})
    return SubscriptionResult(remaining=remaining, ignored=ignored)
