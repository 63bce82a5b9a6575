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


class _CopyOncePerTable:
    """Stands in for the ``copy`` module inside moto's DynamoDB backend during one transaction."""

    def __init__(self) -> None:
        self._copies: dict[int, Any] = {}

    def deepcopy(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        key = id(obj)
        if key not in self._copies:
            self._copies[key] = copy.deepcopy(obj, *args, **kwargs)
        return self._copies[key]


def copy_tables_once_per_transaction() -> None:
    """moto backs up a whole table before *each item* of a TransactWriteItems (to roll back on
    failure), so a 15-item transaction deep-copies the table 15 times and gets slower with every
    order written. Backing each table up once per transaction keeps the same all-or-nothing result.
    Idempotent; used by the local stack and by the tests' in-process moto."""
    import moto.dynamodb.models as models

    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "_once_per_table", False):
        return
    original = backend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = models.copy
        models.copy = _CopyOncePerTable()  # type: ignore[assignment]
        try:
            return original(self, transact_items)
        finally:
            models.copy = saved

    transact_write_items._once_per_table = True  # type: ignore[attr-defined]
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]


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


class MotoServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        copy_tables_once_per_transaction()
        app = _OneAtATime(DomainDispatcherApplication(create_backend_app))
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
