"""Test helpers: load functions the way Lambda does, and call them with real API Gateway v2 events
routed by the template (the same event builder and router as the local stack)."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from infra.local.gateway import Router, build_event
from infra.local.template import ROOT, Template, load_module
from infra.local.worker import LambdaContext

_loaded: dict[str, ModuleType] = {}
_loading = threading.Lock()


class _PerThread:
    """A router attribute with one value per thread (see _one_event_per_thread)."""

    def __init__(self) -> None:
        self.values = threading.local()

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return getattr(self.values, "value", None)

    def __set__(self, obj: object, value: Any) -> None:
        self.values.value = value


class _PerThreadDict:
    """A router's per-invocation ``context`` dict, one per thread and router."""

    def __init__(self) -> None:
        self.values = threading.local()

    def _mine(self) -> dict[int, dict[str, Any]]:
        if not hasattr(self.values, "by_router"):
            self.values.by_router = {}
        return self.values.by_router

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return self._mine().setdefault(id(obj), {})

    def __set__(self, obj: object, value: dict[str, Any]) -> None:
        self._mine()[id(obj)] = value


def _one_event_per_thread() -> None:
    """Lambda gives an execution environment one event at a time, and Powertools relies on it: the
    event being handled and the Lambda context are kept on the router *class*
    (BaseRouter.current_event), shared by every app in the process, and the invocation's state (route
    arguments, resolved dependencies such as the caller) in the app's ``context`` dict. Api below
    runs concurrent invocations as threads of this process, each thread playing one execution
    environment, so those are made per thread - without it a handler reads another request's body,
    or answers as another caller. (The local stack runs each environment in its own process:
    infra/local/worker.py.)"""
    from abc import ABCMeta

    from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

    if isinstance(BaseRouter.__dict__.get("current_event"), _PerThread):
        return
    event, context = _PerThread(), _PerThread()
    # instances read and write through the class attribute; BaseRouter.x = ... goes through the metaclass
    BaseRouter.current_event, BaseRouter.lambda_context = event, context  # type: ignore[assignment]
    BaseRouter.context = _PerThreadDict()  # type: ignore[assignment]
    meta = type("PerThreadRouterMeta", (type(BaseRouter),), {"current_event": event, "lambda_context": context})
    assert issubclass(meta, ABCMeta)
    BaseRouter.__class__ = meta


_one_event_per_thread()


def load_function(logical_id: str, template: Template | None = None) -> ModuleType:
    """Import a function's handler module in isolation (each function has its own app.py)."""
    with _loading:  # threads racing to a function's first call import it once, as Lambda inits once
        if logical_id not in _loaded:
            spec = next(f for f in (template or Template()).functions() if f.logical_id == logical_id)
            _loaded[logical_id] = load_module(spec)
        return _loaded[logical_id]


_timeouts: dict[str, float] = {}


def context(function_name: str) -> LambdaContext:
    """A Lambda context whose deadline is the function's Timeout in the template."""
    if not _timeouts:
        _timeouts.update({f.logical_id: f.timeout for f in Template().functions()})
    timeout_ms = int(_timeouts.get(function_name, 10) * 1000)
    return LambdaContext(str(uuid.uuid4()), int(time.time() * 1000) + timeout_ms, function_name)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def error_code(self) -> str | None:
        try:
            return self.json["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None


class Api:
    """Calls handlers in-process with v2 events, routed exactly as the template routes them."""

    def __init__(self, template: Template | None = None) -> None:
        self.template = template or Template()
        self.router = Router(self.template.routes())
        self.invoked: list[str] = []

    def request(
        self, method: str, path: str, *, json_body: Any = None, body: str | bytes | None = None,
        headers: dict[str, str] | None = None, token: str | None = None,
    ) -> Reply:
        hdrs = {"user-agent": "pytest", **(headers or {})}
        raw = b""
        if json_body is not None:
            raw = json.dumps(json_body).encode("utf-8")
            hdrs.setdefault("content-type", "application/json")
        elif body is not None:
            raw = body.encode("utf-8") if isinstance(body, str) else body
        if token:
            hdrs["authorization"] = f"Bearer {token}"
        matched = self.router.match(method, path.split("?", 1)[0])
        assert matched, f"no route for {method} {path}"
        route, params = matched
        event = build_event(method=method, target=path, headers=list(hdrs.items()), body=raw, route=route,
                            path_params=params, source_ip="127.0.0.1", host="localhost")
        module = load_function(route.function, self.template)
        self.invoked.append(route.function)
        result = module.lambda_handler(event, context(route.function))
        return Reply(result["statusCode"], {k.lower(): v for k, v in (result.get("headers") or {}).items()},
                     result.get("body") or "")

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, json_body: Any = None, **kw: Any) -> Reply:
        return self.request("POST", path, json_body=json_body, **kw)


def repo_path(*parts: str) -> str:
    return str(ROOT.joinpath(*parts))


class NotifySink:
    """An HTTP endpoint that records what is POSTed to it (WeChat Pay notifications) and answers
    with the statuses it is told to, in order (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        from http.server import BaseHTTPRequestHandler

        from infra.local.servers import LocalServer

        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses = list(statuses or [])
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink._lock:
                    sink.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    status = sink.statuses.pop(0) if sink.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = LocalServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/pay/notify"

    def wait_for(self, count: int, timeout: float = 60.0) -> list[tuple[dict[str, str], bytes]]:
        """What arrived, once ``count`` have (polled; the deadline is for a busy machine, not a quiet one)."""
        deadline = time.time() + timeout
        while len(self.received) < count and time.time() < deadline:
            time.sleep(0.02)
        return list(self.received)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def login(api: Api, code: str) -> str:
    reply = api.post("/auth/login", {"code": code})
    assert reply.status == 200, reply.text
    return reply.json["token"]


def deliver_notifications(api: Api, sink: NotifySink, count: int, start: int = 0) -> list[Reply]:
    """Hand what WeChat Pay sent to the sink to POST /pay/notify, as WeChat Pay would."""
    received = sink.wait_for(start + count)
    assert len(received) >= start + count, f"expected {start + count} notifications, got {len(received)}"
    return [api.request("POST", "/pay/notify", body=body, headers=headers) for headers, body in received[start:start + count]]


def moto_table(name: str) -> Any:
    """A table of the tests' in-process moto, as moto holds it (its items and its stream shard)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]].tables[name]


def _last_sequence_number(table_name: str) -> str | None:
    """The sequence number of the newest record on a table's stream in the tests' in-process moto."""
    shard = moto_table(table_name).stream_shard
    return shard.items[-1].record["dynamodb"]["SequenceNumber"] if shard and shard.items else None


class TableStream:
    """The shop table's stream in the tests' in-process moto, handed to a stream function the way its
    event source mapping in template.yaml would: only the records its FilterCriteria accept."""

    def __init__(self, function: str = "GrowthEventsFunction", template: Template | None = None) -> None:
        import boto3

        from infra.local.streams import RecordFilter, StreamReader

        spec = next(f for f in (template or Template()).functions() if f.logical_id == function)
        (source,) = spec.streams
        self.function = function
        self.accept = RecordFilter(source.filters)
        # botocore would address the stream by account (<account>.streams-ddb...), which in-process moto
        # does not intercept; the regional endpoint is the same API
        region = os.environ["AWS_DEFAULT_REGION"]
        streams = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{region}.amazonaws.com")
        self.reader = StreamReader(boto3.client("dynamodb"), streams, os.environ["SHOP_TABLE_NAME"])
        # start after what is already there (the seed's records). StreamReader's LATEST reads them all
        # to skip them, which in-process moto makes take seconds; the shard says where it ends at once.
        self.reader.last = _last_sequence_number(os.environ["SHOP_TABLE_NAME"])
        self.handler = load_function(function, template).lambda_handler

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read that the function would be given."""
        records: list[dict[str, Any]] = []
        while batch := self.reader.read():
            records += [r for r in batch if self.accept(r)]
        return records

    def deliver(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        return self.handler({"Records": records}, context(self.function))

    def drain(self, rounds: int = 10) -> int:
        """Deliver until nothing new arrives (handling a record may write more); records delivered."""
        delivered = 0
        for _ in range(rounds):
            records = self.read()
            if not records:
                return delivered
            result = self.deliver(records)
            assert result == {"batchItemFailures": []}, result
            delivered += len(records)
        raise AssertionError("the stream did not settle")


class TransactionConflicts:
    """Real DynamoDB cancels a transaction with TransactionConflict when another request is changing
    one of its items at that moment (a hot SKU, a coupon template many buyers claim at once); moto,
    serving one request at a time, never does. This makes the shop's DynamoDB client see that
    cancellation for the next ``times`` TransactWriteItems calls, the way DynamoDB reports it."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.seen = 0

    def _cancel(self, params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]] | None:
        self.seen += 1
        if self.left <= 0:
            return None
        self.left -= 1
        count = len(json.loads(params["body"])["TransactItems"])
        reasons = [{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}]
        reasons += [{"Code": "None"}] * (count - 1)
        http = type("Http", (), {"status_code": 400, "headers": {}, "content": b""})()
        return http, {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled, please refer "
                      "cancellation reasons for specific reasons [" + ", ".join(r["Code"] for r in reasons) + "]"},
            "CancellationReasons": reasons,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    def __enter__(self) -> TransactionConflicts:
        from shop.adapters import aws

        aws.client("dynamodb").meta.events.register("before-call.dynamodb.TransactWriteItems", self._cancel)
        return self

    def __exit__(self, *_: Any) -> None:
        from shop.adapters import aws

        aws.client("dynamodb").meta.events.unregister("before-call.dynamodb.TransactWriteItems", self._cancel)


def together(*calls: Any) -> list[Any]:
    """Run the calls in threads at the same moment; their results, in order (for races against the
    domain code; the in-process moto is not atomic, so such tests serialize its calls themselves)."""
    import threading

    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results
