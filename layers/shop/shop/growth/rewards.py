"""Growth: the new-user gift pack and share rewards (社交裂变).

Items in the shop table:
  PK=SHOP              SK=GROWTH              the configuration (GrowthConfig): gift pack, qualify_on, tiers
  PK=INVITE#<code>     SK=INVITE              invite code -> its owner (user_id)
  PK=USER#<id>         SK=SHARE#CODE          the user's own invite code
  PK=USER#<id>         SK=SHARE#STATS         friends bound to the user (invited) and of them qualified
  PK=USER#<id>         SK=SHARE#REWARD#<tier> a tier's reward, granted: its coupon id
  PK=USER#<invitee>    SK=REFERRAL            who invited this user (one, forever); qualified_at once
                                              they count; gsi1pk=INVITER#<inviter> lists an inviter's friends

Every step is one conditional write or transaction, so running it twice or concurrently changes
nothing the second time:
  bind       Put REFERRAL if absent + ADD invited 1 (+ the invitee is new, for /share/accept)
  qualify    SET REFERRAL.qualified_at if absent + ADD qualified 1
  reward     Put SHARE#REWARD#<tier> if absent + the coupon (deterministic id) + template issued+1
  gift pack  each coupon with a deterministic id per (user, template), conditional on absence

The gift pack, binding at login and qualification run from the table's stream (GrowthEvents), never
inside login or the pay notification: a user item inserted, a REFERRAL inserted, an order going
PENDING_PAYMENT -> PAID.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

from shop.growth import coupons
from shop.adapters import db
from shop.growth.invites import code_owner, ensure_code, share_path
from shop.adapters.clock import iso, iso_from_epoch, now_epoch
from shop.core.errors import InvalidRequest, NotFound
from shop.growth.models.rewards import AcceptResult, EarnedReward, GrowthConfig, ShareInfo, TierProgress
from shop.adapters.observability import MetricUnit, logger, metrics

CONFIG_KEY = {"PK": {"S": "SHOP"}, "SK": {"S": "GROWTH"}}
# /share/accept binds only a user who signed up this recently and has not paid for an order yet
ACCEPT_WINDOW_SECONDS = 30 * 60


# ---------------------------------------------------------------- keys and ids

def _user_key(user_id: str, sk: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": sk}}


def referral_key(invitee_id: str) -> dict[str, dict[str, str]]:
    return _user_key(invitee_id, "REFERRAL")


def stats_key(user_id: str) -> dict[str, dict[str, str]]:
    return _user_key(user_id, "SHARE#STATS")


def _count(inviter_id: str, counter: str) -> dict[str, Any]:
    """The transaction action adding one to the inviter's ``invited`` or ``qualified`` count."""
    return {"Update": {
        "TableName": db.table(), "Key": stats_key(inviter_id),
        "UpdateExpression": f"SET #t = :type ADD {counter} :one",
        "ExpressionAttributeNames": {"#t": "type"},
        "ExpressionAttributeValues": {":type": {"S": "share_stats"}, ":one": {"N": "1"}},
    }}


def _derived_id(prefix: str, *parts: str) -> str:
    """A coupon id that is the same every time for the same grant, so a retried grant is a no-op."""
    return f"{prefix}_{hashlib.sha256('|'.join(parts).encode('utf-8')).hexdigest()[:26]}"


def gift_coupon_id(user_id: str, template_id: str) -> str:
    return _derived_id("g", "gift", user_id, template_id)


def reward_coupon_id(user_id: str, tier_id: str) -> str:
    return _derived_id("r", "reward", user_id, tier_id)


# ---------------------------------------------------------------- configuration

def load_config() -> GrowthConfig:
    resp = db.client().get_item(TableName=db.table(), Key=CONFIG_KEY)
    if "Item" not in resp:
        return GrowthConfig()
    item = db.from_item(resp["Item"])
    return GrowthConfig.model_validate({k: item[k] for k in ("gift_pack", "qualify_on", "tiers") if k in item})


def save_config(config: GrowthConfig, *, merchant: str) -> GrowthConfig:
    """Store the configuration after checking that every coupon it names exists and is a grant-only
    template (claimable=false), so a reward cannot also be claimed from the coupon center; with its
    audit entry (shop.core.audit), in one transaction."""
    from shop.core import audit
    wanted = sorted(set(config.gift_pack) | {t.template_id for t in config.tiers})
    found: dict[str, dict[str, Any]] = {}
    if wanted:
        items = db.batch_get([coupons.template_key(t) for t in wanted]).values()
        found = {i["template_id"]: i for i in map(db.from_item, items)}
    missing = [t for t in wanted if t not in found]
    if missing:
        raise InvalidRequest("Unknown coupon templates.", code="unknown_coupon_template", details={"template_ids": missing})
    claimable = [t for t in wanted if found[t].get("claimable", True)]
    if claimable:
        raise InvalidRequest("Gift and reward coupons must be templates with claimable=false.",
                             code="coupon_template_claimable", details={"template_ids": claimable})
    now = datetime.now(UTC)
    before = load_config().model_dump(mode="json")
    item = {"PK": "SHOP", "SK": "GROWTH", "type": "growth_config", **config.model_dump(mode="json"),
            "updated_at": iso(now), "updated_by": merchant}
    db.transact([{"Put": {"TableName": db.table(), "Item": db.to_item(item)}},
                 audit.entry(db.table(), actor=merchant, action="growth.config.update", target_type="growth_config",
                             target_id="GROWTH", at=now, before=before, after=config.model_dump(mode="json"))])
    return config


# ---------------------------------------------------------------- binding

def bind(invitee_id: str, code: str | None, *, via: str, require_new: bool) -> AcceptResult:
    """Bind ``invitee_id`` to the owner of ``code``: once per invitee, forever. With ``require_new``
    (POST /share/accept) the invitee must have signed up within ACCEPT_WINDOW_SECONDS and have no paid
    order; binding at login (the code arrived with the first login) has already established that."""
    inviter_id = code_owner(code or "")
    if inviter_id is None:
        return AcceptResult(bound=False, reason="unknown_code")
    if inviter_id == invitee_id:
        return AcceptResult(bound=False, reason="self_invite")
    now = now_epoch()
    at = iso_from_epoch(now)
    actions: list[dict[str, Any]] = [
        {"Put": {"TableName": db.table(), "ConditionExpression": "attribute_not_exists(PK)", "Item": db.to_item({
            "PK": f"USER#{invitee_id}", "SK": "REFERRAL", "type": "referral", "invitee_id": invitee_id,
            "inviter_id": inviter_id, "invite_code": code, "via": via, "bound_at": at,
            "gsi1pk": f"INVITER#{inviter_id}", "gsi1sk": f"{at}#{invitee_id}"})}},
        _count(inviter_id, "invited"),
    ]
    if require_new:
        actions.append({"ConditionCheck": {
            "TableName": db.table(), "Key": _user_key(invitee_id, "PROFILE"),
            "ConditionExpression": "attribute_exists(PK) AND created_at >= :cutoff AND "
                                   "(attribute_not_exists(paid_orders) OR paid_orders = :zero)",
            "ExpressionAttributeValues": {":cutoff": {"S": iso_from_epoch(now - ACCEPT_WINDOW_SECONDS)},
                                          ":zero": {"N": "0"}},
        }})
    reasons = db.transact_reasons(actions)
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            return AcceptResult(bound=False, reason="already_bound")
        if len(reasons) > 2 and reasons[2] == "ConditionalCheckFailed":
            return AcceptResult(bound=False, reason="not_a_new_user")
        raise RuntimeError(f"binding failed: {reasons}")
    metrics.add_metric(name="FriendInvited", unit=MetricUnit.Count, value=1)
    logger.info("invitee bound", extra={"invitee_id": invitee_id, "inviter_id": inviter_id, "via": via})
    return AcceptResult(bound=True)


# ---------------------------------------------------------------- qualification and rewards

def qualify(invitee_id: str, config: GrowthConfig, *, order_id: str | None = None) -> None:
    """The invitee now counts for their inviter (once, whatever the number of events saying so);
    then grant every tier the inviter has reached and not yet been given. A retry after a partial
    failure redoes only what is missing. ``order_id``: the order that qualified them (its full
    refund undoes the qualification, see ``disqualify``)."""
    resp = db.client().get_item(TableName=db.table(), Key=referral_key(invitee_id), ConsistentRead=True)
    if "Item" not in resp:
        return
    referral = db.from_item(resp["Item"])
    inviter_id = referral["inviter_id"]
    if "qualified_at" not in referral:
        by = {":by": {"S": order_id}} if order_id else {}
        counted = db.transact([
            {"Update": {
                "TableName": db.table(), "Key": referral_key(invitee_id),
                "UpdateExpression": "SET qualified_at = :at" + (", qualified_by = :by" if order_id else ""),
                "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(qualified_at)",
                "ExpressionAttributeValues": {":at": {"S": iso(datetime.now(UTC))}, **by},
            }},
            _count(inviter_id, "qualified"),
        ])
        if counted:
            metrics.add_metric(name="FriendQualified", unit=MetricUnit.Count, value=1)
            logger.info("invitee qualified", extra={"invitee_id": invitee_id, "inviter_id": inviter_id})
    grant_reached_tiers(inviter_id, config)


def disqualify(invitee_id: str, order_id: str, config: GrowthConfig) -> None:
    """The order that qualified the invitee was refunded in full: they no longer count, once (the
    referral forgets the qualification only if this order gave it). Then every reward the inviter
    no longer reaches is revoked while its coupon is unused; a used or locked one is spent and
    stays. A later order can qualify them again."""
    resp = db.client().get_item(TableName=db.table(), Key=referral_key(invitee_id), ConsistentRead=True)
    if "Item" not in resp:
        return
    inviter_id = resp["Item"]["inviter_id"]["S"]
    undone = db.transact([
        {"Update": {
            "TableName": db.table(), "Key": referral_key(invitee_id),
            "UpdateExpression": "REMOVE qualified_at, qualified_by SET disqualified_at = :at",
            "ConditionExpression": "qualified_by = :order",
            "ExpressionAttributeValues": {":order": {"S": order_id}, ":at": {"S": iso(datetime.now(UTC))}},
        }},
        {"Update": {"TableName": db.table(), "Key": stats_key(inviter_id), "UpdateExpression": "ADD qualified :minus",
                    "ExpressionAttributeValues": {":minus": {"N": "-1"}}}},
    ])
    if undone:
        metrics.add_metric(name="FriendDisqualified", unit=MetricUnit.Count, value=1)
        logger.info("invitee no longer qualifies", extra={"invitee_id": invitee_id, "order_id": order_id})
    revoke_unreached_rewards(inviter_id, config)


def revoke_unreached_rewards(inviter_id: str, config: GrowthConfig) -> list[str]:
    """Revoke each granted reward whose tier the inviter's qualified friends no longer reach, if
    its coupon is still available: the reward record and the coupon go, in one transaction
    conditional on the coupon being unused, and the template's ``issued`` gives the place back (so
    the tier can be earned again). The tier ids revoked."""
    items = _share_items(inviter_id)
    qualified = next((i.get("qualified", 0) for i in items if i["SK"] == "SHARE#STATS"), 0)
    friends = {t.id: t.friends for t in config.tiers}
    revoked = []
    for reward in (i for i in items if i["SK"].startswith("SHARE#REWARD#")):
        if friends.get(reward["tier_id"], reward.get("friends", 0)) <= qualified:
            continue
        done = db.transact([
            {"Delete": {"TableName": db.table(), "Key": _user_key(inviter_id, reward["SK"]),
                        "ConditionExpression": "attribute_exists(PK)"}},
            {"Delete": {"TableName": db.table(), "Key": coupons.coupon_key(inviter_id, reward["coupon_id"]),
                        "ConditionExpression": "#s = :available", "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":available": {"S": "available"}}}},
            {"Update": {"TableName": db.table(), "Key": coupons.template_key(reward["template_id"]),
                        "UpdateExpression": "ADD issued :minus", "ExpressionAttributeValues": {":minus": {"N": "-1"}}}},
        ])
        if done:
            revoked.append(reward["tier_id"])
            metrics.add_metric(name="ShareRewardRevoked", unit=MetricUnit.Count, value=1)
            logger.info("share reward revoked", extra={"user_id": inviter_id, "tier_id": reward["tier_id"]})
    return revoked


def _share_items(user_id: str) -> list[dict[str, Any]]:
    return db.query_all(ConsistentRead=True, KeyConditionExpression="PK = :pk AND begins_with(SK, :s)",
                        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":s": {"S": "SHARE#"}})


def grant_reached_tiers(inviter_id: str, config: GrowthConfig) -> list[str]:
    """Grant each reached tier's coupon that has not been granted; the tier ids granted now."""
    items = _share_items(inviter_id)
    qualified = next((i.get("qualified", 0) for i in items if i["SK"] == "SHARE#STATS"), 0)
    granted = {i["tier_id"] for i in items if i["SK"].startswith("SHARE#REWARD#")}
    done = []
    for tier in config.tiers:
        if tier.friends > qualified or tier.id in granted:
            continue
        if _grant_tier(inviter_id, tier.id, tier.template_id, tier.friends):
            done.append(tier.id)
    return done


def _owed_key(user_id: str, tier_id: str) -> dict[str, dict[str, str]]:
    return _user_key(user_id, f"SHARE#OWED#{tier_id}")


def _grant_tier(user_id: str, tier_id: str, template_id: str, friends: int, *, attempts: int = 2) -> bool:
    try:
        template = coupons.load_template(template_id)
    except NotFound:  # cannot happen through the API (templates are never deleted); not worth a retry loop
        logger.error("share reward template missing", extra={"tier_id": tier_id, "template_id": template_id})
        return False
    now = now_epoch()
    coupon_id = reward_coupon_id(user_id, tier_id)
    reward = {"PK": f"USER#{user_id}", "SK": f"SHARE#REWARD#{tier_id}", "type": "share_reward", "tier_id": tier_id,
              "template_id": template_id, "friends": friends, "coupon_id": coupon_id, "granted_at": iso_from_epoch(now)}
    reasons = db.transact_reasons([
        {"Put": {"TableName": db.table(), "Item": db.to_item(reward), "ConditionExpression": "attribute_not_exists(PK)"}},
        *coupons.grant_actions(user_id, template, coupon_id=coupon_id, source="share_reward", now=now),
        {"Delete": {"TableName": db.table(), "Key": _owed_key(user_id, tier_id)}},  # no longer owed, if it was
    ])
    if reasons is None:
        metrics.add_metric(name="ShareRewardGranted", unit=MetricUnit.Count, value=1)
        logger.info("share reward granted", extra={"user_id": user_id, "tier_id": tier_id, "coupon_id": coupon_id})
        return True
    if reasons[0] == "ConditionalCheckFailed":
        return False  # granted by a concurrent or earlier event
    if reasons[1] != "ConditionalCheckFailed":
        raise db.TransactionFailed(reasons)
    # The template is used up or past its end. First record the reward as owed (unless it has been
    # granted meanwhile), then look at the template again: a top-up that came between the failed
    # grant and this record was settled without it, so a template with room now is tried again
    # here; a template past its end can never pay the reward, so it is not owed after all.
    _record_owed(user_id, tier_id, template_id, now)
    current = coupons.load_template(template_id)
    if current.get("valid_until") and current["valid_until"] <= now_epoch():
        db.client().delete_item(TableName=db.table(), Key=_owed_key(user_id, tier_id))
    elif current.get("issued", 0) < current["total"] and attempts > 1:
        return _grant_tier(user_id, tier_id, template_id, friends, attempts=attempts - 1)
    metrics.add_metric(name="ShareRewardUnavailable", unit=MetricUnit.Count, value=1)
    logger.error("share reward coupon unavailable", extra={"user_id": user_id, "tier_id": tier_id,
                                                           "template_id": template_id, "reasons": reasons})
    return False


def _record_owed(user_id: str, tier_id: str, template_id: str, now: int) -> None:
    """USER#<id> / SHARE#OWED#<tier>, indexed under the template, unless the reward exists (a
    concurrent event may have granted it). An upsert: a repeated event keeps the first ``since``."""
    at, ms = iso_from_epoch(now), time.time_ns() // 1_000_000
    db.transact([
        {"ConditionCheck": {"TableName": db.table(), "Key": _user_key(user_id, f"SHARE#REWARD#{tier_id}"),
                            "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Update": {
            "TableName": db.table(), "Key": _owed_key(user_id, tier_id),
            "UpdateExpression": "SET #t = :type, user_id = :user, tier_id = :tier, template_id = :tpl, "
                                "since = if_not_exists(since, :at), gsi1pk = :gpk, gsi1sk = if_not_exists(gsi1sk, :gsk)",
            "ExpressionAttributeNames": {"#t": "type"},
            "ExpressionAttributeValues": {k: db.to_value(v) for k, v in {
                ":type": "share_reward_owed", ":user": user_id, ":tier": tier_id, ":tpl": template_id, ":at": at,
                ":gpk": f"REWARD_OWED#{template_id}", ":gsk": f"{ms:015d}#{user_id}"}.items()},
        }},
    ])


def settle_owed_rewards(template: dict[str, Any], config: GrowthConfig) -> int:
    """A grant-only coupon template's total changed: grant what the sharers owed that coupon are due,
    longest waiting first and no more than the template has room for (each owes one coupon of it),
    as a qualifying event would (every reached tier). Records left from a configuration that no
    longer gives this coupon for that tier are removed. Then the template's change stamp is cleared -
    unless a newer change stamped it again, whose own stream record comes next. Sharers settled."""
    template_id = template["template_id"]
    owed = db.query_all(IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
                        ExpressionAttributeValues={":pk": {"S": f"REWARD_OWED#{template_id}"}})
    tiers = {t.id: t for t in config.tiers}
    room = max(template["total"] - template.get("issued", 0), 0)
    settled = 0
    for record in owed:  # in GSI1 order: since, then user
        tier = tiers.get(record["tier_id"])
        if tier is None or tier.template_id != template_id:
            db.client().delete_item(TableName=db.table(), Key=_owed_key(record["user_id"], record["tier_id"]))
            continue
        if settled >= room:
            break
        grant_reached_tiers(record["user_id"], config)
        settled += 1
    db.update_if(Key=coupons.template_key(template_id), UpdateExpression="REMOVE total_changed_at",
                 ConditionExpression="total_changed_at = :seen",
                 ExpressionAttributeValues={":seen": {"N": str(template["total_changed_at"])}})
    if settled:
        logger.info("owed share rewards settled", extra={"template_id": template_id, "sharers": settled})
    return settled


def grant_gift_pack(user_id: str, config: GrowthConfig) -> list[str]:
    """The new-user gift pack: each configured coupon once per user (a deterministic coupon id per
    user and template makes a repeated event a no-op). The coupon ids granted now."""
    granted = []
    for template_id in config.gift_pack:
        coupon_id = gift_coupon_id(user_id, template_id)
        try:
            template = coupons.load_template(template_id)
        except NotFound:  # deleted from the table since the configuration was saved
            logger.error("gift pack template missing", extra={"template_id": template_id})
            continue
        reasons = db.transact_reasons(coupons.grant_actions(user_id, template, coupon_id=coupon_id, source="gift",
                                                            now=now_epoch()))
        if reasons is None:
            granted.append(coupon_id)
        elif reasons[1] == "ConditionalCheckFailed":
            continue  # granted by an earlier delivery of the same event
        elif reasons[0] != "ConditionalCheckFailed":
            raise db.TransactionFailed(reasons)  # not "used up": let the stream retry, then set it aside
        else:
            metrics.add_metric(name="GiftCouponUnavailable", unit=MetricUnit.Count, value=1)
            logger.error("gift pack coupon unavailable", extra={"user_id": user_id, "template_id": template_id})
    if granted:
        metrics.add_metric(name="GiftPackGranted", unit=MetricUnit.Count, value=1)
        logger.info("gift pack granted", extra={"user_id": user_id, "coupons": len(granted)})
    return granted


# ---------------------------------------------------------------- the buyer's view

def share_info(user_id: str) -> ShareInfo:
    """GET /me/share: two round trips (the user's share items, the configuration)."""
    items = _share_items(user_id)
    config = load_config()
    code = next((i["invite_code"] for i in items if i["SK"] == "SHARE#CODE"), None) or ensure_code(user_id)
    stats = next((i for i in items if i["SK"] == "SHARE#STATS"), {})
    rewards = sorted((i for i in items if i["SK"].startswith("SHARE#REWARD#")), key=lambda i: i["granted_at"])
    granted = {r["tier_id"] for r in rewards}
    owed = {(i["tier_id"], i["template_id"]) for i in items if i["SK"].startswith("SHARE#OWED#")}
    qualified = stats.get("qualified", 0)
    tiers = [TierProgress(id=t.id, title=t.title, friends=t.friends, template_id=t.template_id,
                          reached=qualified >= t.friends, remaining=max(t.friends - qualified, 0),
                          granted=t.id in granted, owed=(t.id, t.template_id) in owed and t.id not in granted)
             for t in config.tiers]
    return ShareInfo(
        invite_code=code, share_path=share_path(code), qualify_on=config.qualify_on,
        invited=stats.get("invited", 0), qualified=qualified, tiers=tiers,
        rewards=[EarnedReward(tier_id=r["tier_id"], coupon_id=r["coupon_id"], granted_at=r["granted_at"])
                 for r in rewards],
    )


def accept(user_id: str, code: str) -> AcceptResult:
    return bind(user_id, code, via="accept", require_new=True)


# ---------------------------------------------------------------- the table's stream

class ChangeHandler:
    """What a change in the shop table means for growth (one instance per stream batch, so the
    configuration is read at most once per batch):

      a user profile inserted               the gift pack; the binding if the login carried a code
      a REFERRAL inserted                   qualification, if friends count on registration or this
                                            one has already paid
      an order PENDING_PAYMENT -> PAID      qualification, if friends count on their first paid order
      an order SHIPPED -> COMPLETED, or     qualification, if friends count on their first completed order
      PAID -> COMPLETED (picked up)         (the default) and it is not refunded in full
      an order -> CLOSED (refunded in full) the qualification it gave is undone, unused rewards revoked
      a coupon template's total changed     the share rewards owed while that coupon was used up
    """

    def __init__(self) -> None:
        self._config: GrowthConfig | None = None

    @property
    def config(self) -> GrowthConfig:
        if self._config is None:
            self._config = load_config()
        return self._config

    def __call__(self, change: Any) -> None:
        item, kind = change.item, change.item.get("type")
        if change.event == "INSERT" and kind == "user":
            grant_gift_pack(item["user_id"], self.config)
            if item.get("invited_by_code"):
                bind(item["user_id"], item["invited_by_code"], via="login", require_new=False)
        elif change.event == "INSERT" and kind == "referral":
            if self.config.qualify_on == "registration" or (
                    self.config.qualify_on == "first_paid_order" and _has_paid(item["invitee_id"])):
                qualify(item["invitee_id"], self.config)
        elif change.event == "MODIFY" and kind == "order":
            before, after = change.old.get("status"), change.new.get("status")
            kept = int(item.get("refunded_total", 0)) < int(item.get("payable", 0)) or int(item.get("payable", 0)) == 0
            if before == "PENDING_PAYMENT" and after == "PAID" and self.config.qualify_on == "first_paid_order":
                qualify(item["user_id"], self.config, order_id=item["order_id"])
            elif (before in ("SHIPPED", "PAID") and after == "COMPLETED" and kept
                  and self.config.qualify_on == "first_completed_order"):
                qualify(item["user_id"], self.config, order_id=item["order_id"])
            elif after == "CLOSED" and before != "CLOSED":  # refunded in full
                disqualify(item["user_id"], item["order_id"], self.config)
        elif (change.event == "MODIFY" and kind == "coupon_template" and item.get("total_changed_at")
              and change.old.get("total_changed_at") != item["total_changed_at"]):
            # the change itself, not the grants and claims that follow while the stamp is on
            settle_owed_rewards(item, self.config)


def _has_paid(user_id: str) -> bool:
    resp = db.client().get_item(TableName=db.table(), Key=_user_key(user_id, "PROFILE"), ConsistentRead=True,
                                ProjectionExpression="paid_orders")
    return int(resp.get("Item", {}).get("paid_orders", {}).get("N", "0")) > 0
