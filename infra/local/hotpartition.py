"""Hot-partition mode: the local DynamoDB (moto) behaving like one hot item of real DynamoDB.

moto serves one request at a time (infra/local/motoserver.py), so every write to an item succeeds
however many arrive at once, and two transactions on one item simply run one after the other. Real
DynamoDB does neither, and a flash sale is exactly where it shows:

* **Transaction conflicts.** A TransactWriteItems holds its items while it runs (DynamoDB prepares,
  then commits). Another TransactWriteItems touching one of them meanwhile is cancelled:
  TransactionCanceledException, CancellationReasons ``TransactionConflict`` for that item and
  ``None`` for the others. A PutItem/UpdateItem/DeleteItem on such an item fails with
  TransactionConflictException.
* **Per-item throughput.** One item lives in one partition, which takes about 1,000 write units a
  second; a transactional write costs 2 units per item. Beyond it writes are throttled: a single
  write gets ProvisionedThroughputExceededException (its ThrottlingReasons say
  ``TableWriteKeyRangeThroughputExceeded``), a transaction is cancelled with ``ThrottlingError``
  for that item, and BatchWriteItem hands the item back in UnprocessedItems.

``HotPartition`` is a WSGI middleware in front of moto, *outside* its one lock (``MotoServer(outer=
...)``), so it sees requests while they are concurrent. For DynamoDB writes it works out which
items each request touches (the key attributes come from the table's key schema in moto's
in-process backend, or a DescribeTable when that is not reachable) and then:

* a TransactWriteItems marks its items "in flight" (Put/Update/Delete/ConditionCheck alike), waits
  ``window_ms`` (the prepare phase), goes through to moto, and releases the marks once moto has
  answered. If one of its items is already marked by another transaction it is cancelled at once;
* a single-item write to a marked item is refused with TransactionConflictException; single writes
  mark nothing (they are atomic in DynamoDB: a transaction arriving during one does not conflict);
* every item has a token bucket of ``rate`` write units (refilled continuously, ``rate`` a second;
  capacity ``rate``, so one second's worth may arrive at once). A single write takes 1 unit (item
  size is ignored), each Put/Update/Delete of a transaction 2 (a ConditionCheck none), each item of
  a BatchWriteItem 1. An item short of units is throttled as above.

Checking and reserving marks and units is one step under a lock of its own (bookkeeping only: it is
never held during the prepare window or the call to moto). Requests refused here never reach moto
and use no units. Reads (GetItem, Query, Scan, BatchGetItem, TransactGetItems) are not limited and
do not conflict; every other operation and every other service passes straight through.

Off (the default) it is one attribute check per request: nothing is parsed. ``configure`` turns it
on or off and changes the numbers at run time; ``status`` answers them with the counters.

Settings as text (``SHOP_LOCAL_HOT_PARTITION``, ``devstack --hot-partition``): comma-separated
``on``/``off`` and ``name=value`` pairs, ``rate`` (write units per second per item, ``0``: no
limit) and ``window_ms`` (the prepare window). ``on`` alone means the defaults (rate=1000,
window_ms=15); any ``name=value`` implies ``on`` unless ``off`` is given too. Examples:
``on``, ``rate=50``, ``rate=50,window_ms=15``, ``off,rate=50`` (off, with those numbers ready).
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

ENV_VAR = "SHOP_LOCAL_HOT_PARTITION"
TARGET_PREFIX = "DynamoDB_20120810."
ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
DEFAULT_RATE = 1000.0
DEFAULT_WINDOW_MS = 15.0
SINGLE_WRITES = ("PutItem", "UpdateItem", "DeleteItem")
TRANSACTION_UNITS = 2  # per written item of a TransactWriteItems (an item of up to 1 KB)

CANCELLED_MESSAGE = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
CONFLICT_REASON = "Transaction is ongoing for the item"
THROTTLED_REASON = ("Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
                    "scaling your table or index so please try again shortly. If exceptions persist, check if you "
                    "have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
                    "bp-partition-key-design.html.")
THROTTLED_MESSAGE = ("The level of configured provisioned throughput for the table was exceeded. Consider increasing "
                     "your provisioning level with the UpdateTable API. (KeyRangeThroughputExceeded: more than "
                     "{rate:g} write units per second on one item; local hot-partition mode)")
KEY_RANGE_REASON = "TableWriteKeyRangeThroughputExceeded"

Wsgi = Callable[..., Iterable[bytes]]
Handler = Callable[[dict[str, Any], dict[str, Any], Callable[..., Any], str], Iterable[bytes]]
# (table name, ((attribute, type, canonical value), ...)): one item
ItemKey = tuple[str, tuple[tuple[str, str, str], ...]]


@dataclasses.dataclass(frozen=True)
class Settings:
    enabled: bool = False
    rate: float = DEFAULT_RATE  # write units per second one item takes; 0: no limit
    window_ms: float = DEFAULT_WINDOW_MS  # how long a TransactWriteItems holds its items before moto writes them

    @property
    def capacity(self) -> float:
        """The bucket's size: one second's worth, and never less than one transactional write."""
        return max(self.rate, float(TRANSACTION_UNITS))

    def describe(self) -> str:
        return f"{'on' if self.enabled else 'off'},rate={self.rate:g},window_ms={self.window_ms:g}"


_ON = {"on", "1", "true", "yes"}
_OFF = {"off", "0", "false", "no"}


def parse_settings(text: str | None, base: Settings | None = None) -> Settings:
    """``SHOP_LOCAL_HOT_PARTITION`` / ``--hot-partition``: see the module's docstring. Raises
    ValueError for anything else."""
    settings = base or Settings()
    if text is None or not text.strip():
        return settings
    enabled: bool | None = None
    numbers: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.lower() in _ON | _OFF:
            enabled = part.lower() in _ON
            continue
        name, sep, value = part.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or name not in ("rate", "window_ms"):
            raise ValueError(f"hot-partition settings: {part!r}: expected on, off, rate=N or window_ms=N")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"hot-partition settings: {part!r}: {value!r} is not a number") from None
        if not number >= 0 or number == float("inf"):
            raise ValueError(f"hot-partition settings: {part!r}: must be a finite number >= 0")
        numbers[name] = number
    return dataclasses.replace(settings, enabled=True if enabled is None else enabled, **numbers)


def _table_name(name: Any) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    # an ARN names the table too (arn:aws:dynamodb:region:account:table/Name)
    return name.split(":table/", 1)[1] if name.startswith("arn:") and ":table/" in name else name


def _canonical(value: Any) -> tuple[str, str]:
    """An attribute value as (type, text), the same text for the same key value (1 == 1.0)."""
    ((kind, inner),) = value.items()
    if kind == "N":
        try:
            inner = str(Decimal(inner).normalize())
        except (InvalidOperation, TypeError):
            pass
    return kind, inner if isinstance(inner, str) else json.dumps(inner, sort_keys=True)


def _region(environ: dict[str, Any]) -> str:
    """From the SigV4 credential scope: Credential=AKID/20260101/us-east-1/dynamodb/aws4_request."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    _, found, rest = auth.partition("Credential=")
    if found:
        scope = rest.split(",", 1)[0].split("/")
        if len(scope) >= 3 and scope[2]:
            return scope[2]
    return "us-east-1"


def _schema_from_moto(region: str, table: str) -> tuple[str, str | None] | None:
    """The table's key attributes from moto's backend, which runs in this process. Read without
    creating anything (plain dict look-ups) and without moto's lock: a table's key schema never
    changes, and a missing table is simply not found."""
    try:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        accounts = sorted(dict.keys(dynamodb_backends), key=lambda account: account != DEFAULT_ACCOUNT_ID)
        for account in accounts:
            regional = dict.get(dynamodb_backends, account)
            backend = dict.get(regional, region) if regional is not None else None
            found = backend.tables.get(table) if backend is not None else None
            if found is not None:
                return found.hash_key_attr, found.range_key_attr
    except Exception:  # noqa: BLE001 - moto's internals moved, or changed under us: ask moto instead
        return None
    return None


class HotPartition:
    """WSGI middleware; see the module's docstring. ``app`` is moto (behind its one lock)."""

    def __init__(self, app: Wsgi, settings: Settings | None = None, *,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.settings = settings or Settings()
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()  # the bookkeeping below; never held while sleeping or calling moto
        self._held: dict[ItemKey, int] = {}  # item -> the transaction holding it
        self._buckets: dict[ItemKey, tuple[float, float]] = {}  # item -> (units left, when)
        self._schemas: dict[tuple[str, str], tuple[str, str | None]] = {}
        self._ids = itertools.count(1)
        self.counters = self._zero()
        self._handlers: dict[str, Handler] = {
            "TransactWriteItems": self._transaction,
            "BatchWriteItem": self._batch,
            **{op: self._single for op in SINGLE_WRITES},
        }

    @staticmethod
    def _zero() -> dict[str, int]:
        return {
            "transactions": 0,  # TransactWriteItems seen while on
            "writes": 0,  # PutItem/UpdateItem/DeleteItem seen while on
            "batch_items": 0,  # items of BatchWriteItem seen while on
            "conflicts": 0,  # requests (and batch items) refused because a transaction held an item
            "throttles": 0,  # requests (and batch items) refused for an item's write rate
            "transactions_cancelled": 0,  # TransactWriteItems cancelled here (conflict and/or throttle)
        }

    # ------------------------------------------------------------ control
    def configure(self, *, enabled: bool | None = None, rate: float | None = None, window_ms: float | None = None,
                  reset: bool = False) -> Settings:
        """Change the settings at run time. A new rate (or ``reset``) refills every item's bucket;
        ``reset`` also zeroes the counters. Items held by transactions under way stay held until
        those answer."""
        with self._lock:
            old = self.settings
            changes = {"enabled": enabled, "rate": rate, "window_ms": window_ms}
            new = dataclasses.replace(old, **{k: v for k, v in changes.items() if v is not None})
            if new.rate != old.rate or reset or (new.enabled and not old.enabled):
                self._buckets.clear()
            if new.enabled and not old.enabled:
                self._schemas.clear()  # tables may have come and gone while nothing was looked at
            if reset:
                self.counters = self._zero()
            self.settings = new
            return new

    def status(self) -> dict[str, Any]:
        with self._lock:
            s = self.settings
            return {"enabled": s.enabled, "rate": s.rate, "window_ms": s.window_ms, "settings": s.describe(),
                    "in_flight": len(self._held), "counters": dict(self.counters)}

    def control(self, body: bytes) -> tuple[int, Any]:
        """POST /_local/hot-partition: a JSON object with any of ``enabled`` (bool), ``rate``,
        ``window_ms`` (numbers >= 0), ``reset`` (bool); or the settings as text (``rate=50,window_ms=15``);
        an empty body changes nothing. Answers the status (400 and why, for settings it cannot take)."""
        text = body.decode("utf-8", "replace").strip()
        try:
            if text.startswith("{"):
                changes = json.loads(text)
                unknown = set(changes) - {"enabled", "rate", "window_ms", "reset"}
                if unknown:
                    raise ValueError(f"unknown settings: {sorted(unknown)}")
                for name in ("enabled", "reset"):
                    if name in changes and not isinstance(changes[name], bool):
                        raise ValueError(f"{name} must be true or false")
                numbers = {}
                for name in ("rate", "window_ms"):
                    if changes.get(name) is not None:
                        value = changes[name]
                        number = isinstance(value, int | float) and not isinstance(value, bool)
                        if not number or not 0 <= value < float("inf"):
                            raise ValueError(f"{name} must be a number >= 0")
                        numbers[name] = float(value)
                self.configure(enabled=changes.get("enabled"), reset=changes.get("reset", False), **numbers)
            elif text:
                parsed = parse_settings(text, self.settings)
                self.configure(enabled=parsed.enabled, rate=parsed.rate, window_ms=parsed.window_ms)
        except (ValueError, TypeError, AttributeError) as exc:
            return 400, {"error": str(exc), "status": self.status()}
        return 200, self.status()

    # ------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not self.settings.enabled:
            return self.app(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)
        op = target[len(TARGET_PREFIX):]
        if op in ("CreateTable", "DeleteTable"):
            self._schemas.clear()
        handler = self._handlers.get(op)
        if handler is None:
            return self.app(environ, start_response)
        body = self._read(environ)
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            return self.app(environ, start_response)  # moto says what is wrong with it
        return handler(request, environ, start_response, _region(environ))

    @staticmethod
    def _read(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)  # for moto, which reads it again
        environ["CONTENT_LENGTH"] = str(len(body))
        return body

    def _forward(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        result = self.app(environ, start_response)
        try:
            return [b"".join(result)]  # moto has answered once this is joined
        finally:
            close = getattr(result, "close", None)
            if close:
                close()

    # ------------------------------------------------------------ items
    def _key(self, environ: dict[str, Any], region: str, op: Any, *, item: bool) -> ItemKey | None:
        """The item a write names: its Key, or (Put) the key attributes of its Item."""
        if not isinstance(op, dict):
            return None
        table = _table_name(op.get("TableName"))
        attrs = op.get("Item") if item else op.get("Key")
        if table is None or not isinstance(attrs, dict):
            return None
        if item:
            schema = self._schema(environ, region, table)
            if schema is None:
                return None
            names = [name for name in schema if name]
            if any(name not in attrs for name in names):
                return None
            attrs = {name: attrs[name] for name in names}
        try:
            return table, tuple(sorted((name, *_canonical(value)) for name, value in attrs.items()))
        except (AttributeError, ValueError, TypeError):
            return None

    def _schema(self, environ: dict[str, Any], region: str, table: str) -> tuple[str, str | None] | None:
        cached = self._schemas.get((region, table))
        if cached is None:
            cached = _schema_from_moto(region, table) or self._describe(environ, table)
            if cached is not None:
                self._schemas[(region, table)] = cached
        return cached

    def _describe(self, environ: dict[str, Any], table: str) -> tuple[str, str | None] | None:
        """DescribeTable through moto, with the caller's headers: the key schema when the backend
        cannot be read in process."""
        body = json.dumps({"TableName": table}).encode()
        env = {**environ, "HTTP_X_AMZ_TARGET": TARGET_PREFIX + "DescribeTable", "wsgi.input": io.BytesIO(body),
               "CONTENT_LENGTH": str(len(body))}
        status: list[str] = []
        try:
            answer = b"".join(self._forward(env, lambda s, h, exc_info=None: status.append(s)))
            if not status or not status[0].startswith("200"):
                return None
            schema = {k["KeyType"]: k["AttributeName"] for k in json.loads(answer)["Table"]["KeySchema"]}
            return schema["HASH"], schema.get("RANGE")
        except Exception:  # noqa: BLE001 - no schema: the request goes through unlimited
            return None

    # bookkeeping, under self._lock
    def _units_left(self, key: ItemKey, now: float, s: Settings) -> float:
        left, at = self._buckets.get(key, (s.capacity, now))
        return min(s.capacity, left + (now - at) * s.rate)

    def _has(self, key: ItemKey, units: float, now: float, s: Settings) -> bool:
        return s.rate <= 0 or self._units_left(key, now, s) >= units

    def _take(self, key: ItemKey, units: float, now: float, s: Settings) -> None:
        if s.rate <= 0:
            return
        self._buckets[key] = (self._units_left(key, now, s) - units, now)
        if len(self._buckets) > 100_000:  # a full bucket is the same as none: forget those
            for k in [k for k, (left, at) in self._buckets.items() if left + (now - at) * s.rate >= s.capacity]:
                del self._buckets[k]

    # ------------------------------------------------------------ operations
    def _single(self, request: dict[str, Any], environ: dict[str, Any], start_response: Callable[..., Any],
                region: str) -> Iterable[bytes]:
        is_put = environ["HTTP_X_AMZ_TARGET"].endswith(".PutItem")
        key = self._key(environ, region, request, item=is_put)
        if key is None:
            return self._forward(environ, start_response)
        s = self.settings
        with self._lock:
            self.counters["writes"] += 1
            now = self._clock()
            if key in self._held:
                self.counters["conflicts"] += 1
                refused = "conflict"
            elif not self._has(key, 1, now, s):
                self.counters["throttles"] += 1
                refused = "throttle"
            else:
                self._take(key, 1, now, s)
                refused = ""
        if refused == "conflict":
            return _error(start_response, "TransactionConflictException", {"message": CONFLICT_REASON})
        if refused == "throttle":
            return _throttled(start_response, s, region, key[0])
        return self._forward(environ, start_response)

    def _transaction(self, request: dict[str, Any], environ: dict[str, Any], start_response: Callable[..., Any],
                     region: str) -> Iterable[bytes]:
        entries: list[tuple[str | None, ItemKey | None]] = []
        for entry in request.get("TransactItems") or []:
            kind, op = next(iter(entry.items())) if isinstance(entry, dict) and len(entry) == 1 else (None, None)
            entries.append((kind, self._key(environ, region, op, item=kind == "Put")))
        mine = next(self._ids)
        s = self.settings
        with self._lock:
            self.counters["transactions"] += 1
            now = self._clock()
            reasons: list[str | None] = []
            for kind, key in entries:
                if key is not None and self._held.get(key, mine) != mine:
                    reasons.append("TransactionConflict")
                elif key is not None and kind != "ConditionCheck" and not self._has(key, TRANSACTION_UNITS, now, s):
                    reasons.append("ThrottlingError")
                else:
                    reasons.append(None)
            cancelled = any(reasons)
            if cancelled:
                self.counters["transactions_cancelled"] += 1
                self.counters["conflicts"] += "TransactionConflict" in reasons
                self.counters["throttles"] += "ThrottlingError" in reasons
            else:
                for kind, key in entries:
                    if key is not None:
                        if kind != "ConditionCheck":
                            self._take(key, TRANSACTION_UNITS, now, s)
                        self._held[key] = mine
        if cancelled:
            return _cancelled(start_response, reasons)
        try:
            if s.window_ms > 0:
                self._sleep(s.window_ms / 1000)  # the prepare phase: the items are held meanwhile
            return self._forward(environ, start_response)
        finally:
            with self._lock:
                for _, key in entries:
                    if key is not None and self._held.get(key) == mine:
                        del self._held[key]

    def _batch(self, request: dict[str, Any], environ: dict[str, Any], start_response: Callable[..., Any],
               region: str) -> Iterable[bytes]:
        """Each put/delete is a write of 1 unit; one that is short of units, or whose item a
        transaction holds, comes back in UnprocessedItems (as DynamoDB returns throttled batch items)
        and the rest go to moto. When every one is throttled: ProvisionedThroughputExceededException,
        as DynamoDB answers then."""
        tables = request.get("RequestItems")
        if not isinstance(tables, dict):
            return self._forward(environ, start_response)
        keyed: list[tuple[str, Any, ItemKey | None]] = []
        for table, writes in tables.items():
            for write in writes if isinstance(writes, list) else []:
                key = None
                if isinstance(write, dict) and isinstance(write.get("PutRequest"), dict):
                    key = self._key(environ, region, {"TableName": table, **write["PutRequest"]}, item=True)
                elif isinstance(write, dict) and isinstance(write.get("DeleteRequest"), dict):
                    key = self._key(environ, region, {"TableName": table, **write["DeleteRequest"]}, item=False)
                keyed.append((table, write, key))
        s = self.settings
        kept: dict[str, list[Any]] = {}
        unprocessed: dict[str, list[Any]] = {}
        throttled = conflicted = 0
        with self._lock:
            now = self._clock()
            for table, write, key in keyed:
                if key is not None:
                    self.counters["batch_items"] += 1
                if key is not None and key in self._held:
                    conflicted += 1
                    unprocessed.setdefault(table, []).append(write)
                elif key is not None and not self._has(key, 1, now, s):
                    throttled += 1
                    unprocessed.setdefault(table, []).append(write)
                else:
                    if key is not None:
                        self._take(key, 1, now, s)
                    kept.setdefault(table, []).append(write)
            self.counters["conflicts"] += conflicted
            self.counters["throttles"] += throttled
        if not unprocessed:
            return self._forward(environ, start_response)
        if not kept:
            if not conflicted:
                return _throttled(start_response, s, region, next(iter(unprocessed)))
            return _reply(start_response, "200 OK", {"UnprocessedItems": unprocessed})
        body = json.dumps({**request, "RequestItems": kept}).encode()
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            answer.update(status=status, headers=headers)

        data = b"".join(self._forward(environ, capture))
        status, headers = answer.get("status", "500 Internal Server Error"), answer.get("headers", [])
        if status.startswith("200"):
            try:
                merged = json.loads(data)
                left = merged.setdefault("UnprocessedItems", {})
                for table, writes in unprocessed.items():
                    left.setdefault(table, []).extend(writes)
                return _reply(start_response, status, merged, headers)
            except (ValueError, AttributeError):
                pass
        start_response(status, headers)
        return [data]


# ---------------------------------------------------------------- answers, as DynamoDB words them
def _reply(start_response: Callable[..., Any], status: str, payload: dict[str, Any],
           headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = json.dumps(payload).encode()
    kept = [(k, v) for k, v in headers or [] if k.lower() not in ("content-length", "x-amz-crc32", "content-type")]
    if not any(k.lower() == "x-amzn-requestid" for k, _ in kept):
        kept.append(("x-amzn-RequestId", uuid.uuid4().hex.upper()))
    # botocore checks the body against X-Amz-Crc32 for DynamoDB, as DynamoDB sends it
    start_response(status, [*kept, ("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body))),
                            ("X-Amz-Crc32", str(zlib.crc32(body)))])
    return [body]


def _error(start_response: Callable[..., Any], error: str, payload: dict[str, Any]) -> list[bytes]:
    return _reply(start_response, "400 Bad Request", {"__type": ERROR_PREFIX + error, **payload})


def cancellation(reasons: list[str | None]) -> dict[str, Any]:
    """The body of a TransactionCanceledException for these per-item reasons (None: that item was fine)."""
    listed = [{"Code": "None"} if reason is None else
              {"Code": reason, "Message": CONFLICT_REASON if reason == "TransactionConflict" else THROTTLED_REASON}
              for reason in reasons]
    message = CANCELLED_MESSAGE.format(", ".join(reason or "None" for reason in reasons))
    return {"__type": ERROR_PREFIX + "TransactionCanceledException", "Message": message, "CancellationReasons": listed}


def _cancelled(start_response: Callable[..., Any], reasons: list[str | None]) -> list[bytes]:
    return _reply(start_response, "400 Bad Request", cancellation(reasons))


def _throttled(start_response: Callable[..., Any], s: Settings, region: str, table: str) -> list[bytes]:
    return _error(start_response, "ProvisionedThroughputExceededException", {
        "message": THROTTLED_MESSAGE.format(rate=s.rate),
        "ThrottlingReasons": [{"reason": KEY_RANGE_REASON,
                               "resource": f"arn:aws:dynamodb:{region}:123456789012:table/{table}"}],
    })
