"""moto in server mode on loopback, standing in for DynamoDB (and any other AWS API the functions
call). Every request is served under one lock: moto's in-memory backends check a condition and then
write in separate Python steps, so two threads could both pass a condition that DynamoDB would let
only one pass. Serializing requests makes each API call atomic, as in DynamoDB, so the local stack's
concurrency tests exercise the real conditional writes and transactions."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server


class _NoTableCopies:
    """Stands in for the ``copy`` module inside moto's DynamoDB backend during one transaction: the
    "backup" of a table is the table itself; ``roll_back_touched_items`` restores what changed."""

    @staticmethod
    def deepcopy(obj: Any, *args: Any, **kwargs: Any) -> Any:
        from moto.dynamodb.models.table import Table

        # only the table backups are skipped; update_item's copy of the old item (the stream's
        # OldImage) is still a real copy
        return obj if isinstance(obj, Table) else copy.deepcopy(obj, *args, **kwargs)


def _touched(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any]]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    keys = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        attrs = op.get("Key") or op.get("Item") or {}
        if table.hash_key_attr not in attrs or (table.range_key_attr and table.range_key_attr not in attrs):
            continue
        hash_key = DynamoType(attrs[table.hash_key_attr])
        range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        keys.append((table, hash_key, range_key))
    return keys


def roll_back_touched_items() -> None:
    """moto backs up a whole table - every item, and the table's stream - before *each item* of a
    TransactWriteItems, to restore it if the transaction fails: a 15-item transaction deep-copies the
    table 15 times, and every transaction gets slower as the table and its stream grow. Instead, copy
    only the items the transaction names and the stream's length, and on failure put those items back
    and drop the stream records written meanwhile: the same all-or-nothing result. Idempotent; used by
    the local stack and by the tests' in-process moto."""
    import moto.dynamodb.models as models

    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "_touched_only", False):
        return
    original = backend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        touched = _touched(self, transact_items)
        saved_items = [(t, h, r, copy.deepcopy(t.get_item(h, r))) for t, h, r in touched]
        streams = {id(t): (t.stream_shard, len(t.stream_shard.items)) for t, _, _ in touched if t.stream_shard}
        saved_copy = models.copy
        models.copy = _NoTableCopies()  # type: ignore[assignment]
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in saved_items:
                if range_key is not None:
                    if item is None:
                        table.items[hash_key].pop(range_key, None)
                    else:
                        table.items[hash_key][range_key] = item
                elif item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            for shard, length in streams.values():
                del shard.items[length:]
            raise
        finally:
            models.copy = saved_copy

    transact_write_items._touched_only = True  # type: ignore[attr-defined]
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def bound_stream_iterators(keep: int = 1000) -> None:
    """moto keeps every shard iterator it ever handed out (each GetRecords makes another), so a
    stream polled for hours grows without end. Keep the newest ``keep``; in AWS an iterator expires
    after 15 minutes anyway. Idempotent."""
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    if getattr(DynamoDBStreamsBackend.get_records, "_bounded", False):
        return
    original = DynamoDBStreamsBackend.get_records

    def get_records(self: Any, iterator_arn: str, limit: int) -> dict[str, Any]:
        result = original(self, iterator_arn, limit)
        excess = len(self.shard_iterators) - keep
        if excess > 0:
            for arn in list(self.shard_iterators)[:excess]:
                del self.shard_iterators[arn]
        return result

    get_records._bounded = True  # type: ignore[attr-defined]
    DynamoDBStreamsBackend.get_records = get_records  # type: ignore[method-assign]


class _OneAtATime:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            result = self.app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()


class _QuietHandler(MotoRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


Middleware = Callable[[Callable[..., Iterable[bytes]]], Callable[..., Iterable[bytes]]]


class MotoServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, wrap: Middleware | None = None,
                 outer: Middleware | None = None) -> None:
        """``wrap``: WSGI middleware in front of moto (inside the one lock), e.g. infra.local.s3events.
        ``outer``: WSGI middleware in front of that, outside the one lock, so it sees requests while
        they are still concurrent, e.g. infra.local.hotpartition."""
        roll_back_touched_items()
        bound_stream_iterators()
        backend_app: Callable[..., Iterable[bytes]] = DomainDispatcherApplication(create_backend_app)
        app: Callable[..., Iterable[bytes]] = _OneAtATime(wrap(backend_app) if wrap else backend_app)
        if outer:
            app = outer(app)
        self._server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="moto", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> MotoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
