"""Applying dashboard facts to the counters in the shop table, each fact exactly once.

Items (all in the shop table):
- ``STATS#<Beijing day>`` / ``H#<hh>#<shard>``: the hour's counters (COUNTERS of shop.analytics.metrics),
  split over SHARDS items so concurrent writers rarely meet on one item; a day's hours are one Query.
- ``STATS#<day>`` / ``P#<product id>``: a product's day: units and amount paid (added here, with the
  payment), views and cart adds (set by the hourly roll-up, shop.analytics.rollup).
- ``STATSFACT#<day>#<0-15>`` / ``<fact key>``: the marker of an applied fact, filed under the fact's
  day (a fact's time never changes, so a redelivery finds the same marker); an event batch's marker
  carries its views and cart adds per product (``viewed``) for the roll-up. Expires after 3 days (a
  stream redelivers within 24 hours).
- ``STATSWHO#<day>#<person>`` / ``DAY``: what a person did that day (``did``: a string set), so a
  buyer or visitor counts once a day - one item per person and day, never one per event.
- ``STATSDAY#<year>`` / ``<day>``: the day's totals for date ranges, written by the roll-up from the
  day's hours once the day is over (shop.analytics.rollup).

``apply`` first reads the days of the people the facts name (one BatchGetItem), so a returning
visitor's batch costs no refused transaction; then it writes facts in transactions: each fact's
marker (put only if absent), each person's day (their new tags added only if none of them is there
yet) and the hour and product counters they add (ADD). A marker that exists means the fact was
counted before: the fact is dropped and the rest written. A person's day that holds a tag by then
(another consumer was faster) is read again and the transaction rebuilt without that count. So a
fact delivered twice, or by two consumers at once, adds once; what was read is only a hint - the
conditions decide.

What a fact costs: a transaction writes each item twice, so every item it touches counts. A quiet
shop's stream hands a consumer one record at a time, so a batch of events that viewed seven
products, counted per product, would cost seven product items (14 write units) on top of its
marker and hour; instead its per-product views ride on the marker, which is written anyway, and
the roll-up sums them once an hour (docs/analytics.md has the numbers).

Hot items: the stream hands a consumer up to 100 records at once, and one transaction carries up
to ~90 facts, so the hour and product counters take one write per transaction, not per order; with
four shards for hours and 16 marker partitions a day, a flash sale's stream of payments stays far
below the ~1,000 writes/s an item takes.
"""

from __future__ import annotations

import random
import zlib
from collections import defaultdict
from typing import Any

from shop.adapters import db
from shop.adapters.clock import now_epoch
from shop.analytics.aggregate import Contribution

SHARDS = 4
FACT_SHARDS = 16  # a day's markers spread over partitions (a flash sale's payments, ~2 writes each)
MAX_ACTIONS = 100  # TransactWriteItems' limit
FACT_TTL = 3 * 86400
PERSON_TTL = 3 * 86400


def stats_key(day: str, sk: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"STATS#{day}"}, "SK": {"S": sk}}


def fact_partition(day: str, shard: int) -> str:
    return f"STATSFACT#{day}#{shard}"


def _fact_key(fact: Contribution) -> dict[str, dict[str, str]]:
    return {"PK": {"S": fact_partition(fact.day, zlib.crc32(fact.key.encode()) % FACT_SHARDS)}, "SK": {"S": fact.key}}


def _viewed(viewed: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {"M": {product: {"M": {name: {"N": str(value)} for name, value in deltas.items()}}
                  for product, deltas in viewed.items()}}


def _person_key(day: str, who: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"STATSWHO#{day}#{who}"}, "SK": {"S": "DAY"}}


def _add(table: str, key: dict[str, Any], counts: dict[str, int], title: str | None = None) -> dict[str, Any]:
    names = {f"#c{n}": name for n, name in enumerate(counts)}
    values: dict[str, Any] = {f":c{n}": {"N": str(v)} for n, v in enumerate(counts.values())}
    expression = "ADD " + ", ".join(f"#c{n} :c{n}" for n in range(len(counts)))
    if title:  # a product's name as its latest paid order line had it (the ranking shows it)
        names["#title"], values[":title"] = "title", {"S": title}
        expression += " SET #title = :title"
    return {"Update": {"TableName": table, "Key": key, "UpdateExpression": expression,
                       "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}


class _Plan:
    """One transaction: the actions and what each one stands for."""

    def __init__(self, table: str, shard: int) -> None:
        self.table, self.shard = table, shard
        self.facts: list[Contribution] = []
        self.hours: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.products: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.titles: dict[tuple[str, str], str] = {}
        self.people: dict[tuple[str, str], set[str]] = defaultdict(set)

    def size_with(self, fact: Contribution, known: dict[tuple[str, str], set[str]]) -> int:
        hours = set(self.hours) | {(fact.day, fact.hour)}
        products = set(self.products) | {(fact.day, p) for p in fact.products}
        people = set(self.people) | {(fact.day, u.who) for u in fact.uniques
                                     if u.tag not in known.get((fact.day, u.who), set())}
        return len(self.facts) + 1 + len(hours) + len(products) + len(people)

    def take(self, fact: Contribution, known: dict[tuple[str, str], set[str]]) -> None:
        self.facts.append(fact)
        counts = dict(fact.counts)
        for unique in fact.uniques:
            person = (fact.day, unique.who)
            if unique.tag in known.get(person, set()) or unique.tag in self.people.get(person, set()):
                continue  # already counted that day (or earlier in this transaction)
            self.people[person].add(unique.tag)
            counts[unique.counter] = counts.get(unique.counter, 0) + 1
        for name, value in counts.items():
            self.hours[(fact.day, fact.hour)][name] += value
        for product, deltas in fact.products.items():
            for name, value in deltas.items():
                self.products[(fact.day, product)][name] += value
        for product, title in fact.titles.items():
            self.titles[(fact.day, product)] = title

    def actions(self) -> tuple[list[dict[str, Any]], list[tuple[str, Any]]]:
        now = now_epoch()
        actions: list[dict[str, Any]] = []
        meaning: list[tuple[str, Any]] = []
        for fact in self.facts:
            marker = {**_fact_key(fact), "type": {"S": "stats_fact"}, "ttl": {"N": str(now + FACT_TTL)}}
            if fact.viewed:
                marker["viewed"] = _viewed(fact.viewed)
            actions.append({"Put": {"TableName": self.table, "Item": marker,
                                    "ConditionExpression": "attribute_not_exists(PK)"}})
            meaning.append(("fact", fact.key))
        for (day, who), tags in self.people.items():
            values = {f":t{n}": {"S": tag} for n, tag in enumerate(sorted(tags))}
            absent = " AND ".join(f"NOT contains(did, :t{n})" for n in range(len(tags)))
            actions.append({"Update": {
                "TableName": self.table, "Key": _person_key(day, who),
                "UpdateExpression": "ADD did :tags SET #ttl = :ttl",
                "ConditionExpression": f"attribute_not_exists(did) OR ({absent})",
                "ExpressionAttributeNames": {"#ttl": "ttl"},
                "ExpressionAttributeValues": {":tags": {"SS": sorted(tags)}, ":ttl": {"N": str(now + PERSON_TTL)},
                                              **values}}})
            meaning.append(("person", (day, who)))
        for (day, hour), counts in self.hours.items():
            actions.append(_add(self.table, stats_key(day, f"H#{hour:02d}#{self.shard}"), dict(counts)))
            meaning.append(("counter", None))
        for (day, product), counts in self.products.items():
            actions.append(_add(self.table, stats_key(day, f"P#{product}"), dict(counts),
                                title=self.titles.get((day, product))))
            meaning.append(("counter", None))
        return actions, meaning


def _tags_of(day: str, who: str) -> set[str]:
    found = db.client().get_item(TableName=db.table(), Key=_person_key(day, who), ConsistentRead=True,
                                 ProjectionExpression="did").get("Item") or {}
    return set(found.get("did", {}).get("SS", []))


def _known_days(facts: list[Contribution]) -> dict[tuple[str, str], set[str]]:
    """What the people these facts name did on those days, as far as the table knows now."""
    people = {(f.day, u.who) for f in facts for u in f.uniques}
    if not people:
        return {}
    found = db.batch_get([_person_key(day, who) for day, who in people])
    known = {}
    for day, who in people:
        item = found.get((f"STATSWHO#{day}#{who}", "DAY")) or {}
        known[(day, who)] = set(item.get("did", {}).get("SS", []))
    return known


def apply(facts: list[Contribution]) -> int:
    """Count ``facts`` (each at most once, ever); how many were new. Raises when the table keeps
    refusing (a stream then retries the records, which is safe: counted facts are skipped)."""
    pending = list({f.key: f for f in facts}.values())  # the same fact twice in one batch: once
    known = _known_days(pending)
    applied = 0
    # each refused transaction drops a counted fact or learns a person's day, so this is enough
    for _ in range(2 * len(pending) + 4):
        if not pending:
            return applied
        plan = _Plan(db.table(), random.randrange(SHARDS))  # noqa: S311 - spreading writes, not a secret
        for fact in pending:
            if plan.facts and plan.size_with(fact, known) > MAX_ACTIONS:
                break
            plan.take(fact, known)
        actions, meaning = plan.actions()
        reasons = db.transact_reasons(actions)
        if reasons is None:
            applied += len(plan.facts)
            for person, tags in plan.people.items():  # what later transactions must not count again
                known.setdefault(person, set()).update(tags)
            done = {f.key for f in plan.facts}
            pending = [f for f in pending if f.key not in done]
            continue
        for (kind, ref), reason in zip(meaning, reasons, strict=False):
            if reason != "ConditionalCheckFailed":
                continue
            if kind == "fact":  # counted before: never again
                pending = [f for f in pending if f.key != ref]
            elif kind == "person":
                known[ref] = _tags_of(*ref)
    if pending:
        raise db.TransactionFailed(["analytics facts still pending after retries"])
    return applied


def day_items(day: str) -> list[dict[str, Any]]:
    """Every counter item of a Beijing day (its hours' shards and its products): one Query."""
    return db.query_all(KeyConditionExpression="PK = :pk",
                        ExpressionAttributeValues={":pk": {"S": f"STATS#{day}"}})
