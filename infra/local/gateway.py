"""A local API Gateway HTTP API (payload format 2.0) in front of local Lambda workers.

Routes are the template's HttpApi events; matching follows API Gateway: the most specific route
wins (literal segments over {param} over {proxy+}), a method-specific route over ANY, and the
``$default`` route catches what nothing else matches. Each request becomes a real v2 event.

Schedule events of the template (``rate(N minutes)``) invoke their function on that rate with an
EventBridge scheduled event. ``POST /_local/schedules/<FunctionLogicalId>`` with ``{"time": ISO}``
fires one now with the given time (this is how tests move time forward). A function with no event
at all (one the operator invokes, such as MerchantTokens) is invoked by
``POST /_local/invoke/<FunctionLogicalId>`` with the event as the body. /_local/ is the local
stack's own control path and does not exist in AWS. It answers loopback clients only, whatever
address the gateway listens on (``--host 0.0.0.0`` for a phone on the LAN): to anyone else it is
an unknown route, 404 ``route_not_found`` in the shop's error shape.

Each function has a pool of worker processes (see worker.py): a request takes an idle worker or
starts a new one (a cold start), up to ``max_concurrency`` per function, so concurrent requests run
in parallel exactly as concurrent Lambda instances would, and races reach DynamoDB (moto) as they
would in AWS. A new worker runs its init phase (imports) first and says when it is ready; as in
Lambda, the init phase has its own limit (10 s) and is not part of the function's Timeout, which
counts from the invocation only. An init that fails or overruns is run again as part of the
invocation, within the function's Timeout (Lambda's suppressed init). Each environment in Lambda
has a CPU of its own for its init; here inits wait for one of the machine's cores (one init per
core at a time), so a burst of cold starts on a busy machine queues instead of every init taking
ten times as long. A worker that overruns the function's Timeout is killed and the caller gets API
Gateway's 500, as with a Lambda time-out.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl, unquote, urlsplit

from infra.local.servers import LocalServer
from infra.local.template import ROOT, FunctionSpec, Route

WORKER = Path(__file__).with_name("worker.py")
LAYER_PATH = ROOT / "layers" / "shop"
MAX_BODY = 10 * 1024 * 1024  # API Gateway HTTP API payload limit
TEXT_TYPES = ("application/json", "text/", "application/xml", "application/x-www-form-urlencoded", "application/javascript")


class FunctionFailed(Exception):
    pass


class InitFailed(FunctionFailed):
    pass


# Lambda's limit on an on-demand environment's init phase (imports, module-level work). The init
# phase is not part of the function's Timeout: that counts from the invocation only. An init that
# fails or overruns is run again as part of the first invocation, within the function's Timeout.
INIT_TIMEOUT = 10.0
# Grace over a limit for the pipe to carry the answer (not time the function gets).
GRACE = 0.5


def default_init_slots() -> int:
    """Inits that may run at once: one per core. Each Lambda environment has a CPU of its own to
    run its init on; here they share the machine's cores, and ten imports at once on two cores
    would each take five times as long as one does, so a cold start waits for a core first and its
    init limit counts from then."""
    return max(os.cpu_count() or 1, 2)


class Worker:
    """One execution environment: a worker.py process, started by ``start()``, which runs the init
    phase and then serves one invocation at a time."""

    def __init__(self, spec: FunctionSpec, env: dict[str, str], log: TextIO | None) -> None:
        self.spec, self.env, self.log = spec, env, log
        self.proc: subprocess.Popen[str] | None = None
        self._results: TextIO | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.init_ms: int | None = None
        # its init failed or overran: the next invocation runs it again, within its own Timeout
        self.needs_init = False

    def start(self) -> None:
        """Start the process; its init phase runs now (see ``wait_ready``)."""
        with self._lock:
            if self._closed:
                raise FunctionFailed("the gateway is stopping")
            read_fd, write_fd = os.pipe()
            worker_env = {**self.env, "LOCAL_WORKER_RESULT_FD": str(write_fd)}
            try:
                self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
                    [sys.executable, str(WORKER)],
                    stdin=subprocess.PIPE,
                    stdout=self.log,
                    stderr=subprocess.STDOUT if self.log is not None else None,
                    env=worker_env,
                    pass_fds=(write_fd,),
                    text=True,
                )
            finally:
                os.close(write_fd)
            self._results = os.fdopen(read_fd, "r", encoding="utf-8")

    def _read(self, seconds: float) -> dict[str, Any] | None:
        """The worker's next message, or None if none came within ``seconds``."""
        results = self._results
        if results is None or results.closed:
            raise FunctionFailed("worker exited")
        try:
            ready, _, _ = select.select([results], [], [], max(seconds, 0.0))
            line = results.readline() if ready else None
        except (OSError, ValueError):  # closed by kill() meanwhile
            raise FunctionFailed("worker exited") from None
        if line is None:
            return None
        if not line:
            self.kill()
            raise FunctionFailed("worker exited")
        return json.loads(line)

    def wait_ready(self, seconds: float) -> None:
        """Wait for the init phase to finish, at most ``seconds``; InitFailed if it failed or overran
        (the process is then gone)."""
        try:
            message = self._read(seconds + GRACE)
        except FunctionFailed as exc:
            raise InitFailed(f"init failed: {exc}") from None
        if message is None:
            self.kill()
            raise InitFailed(f"Init timed out after {seconds:.2f} seconds")
        if "init_error" in message:
            self.kill()
            error = message["init_error"]
            raise InitFailed(f"{error['errorType']}: {error['errorMessage']}")
        self.init_ms = message["ready"]["init_ms"]

    def invoke(self, event: dict[str, Any], request_id: str, deadline: float | None = None) -> dict[str, Any]:
        """One invocation. Its Timeout counts from now, or from ``deadline`` (time.monotonic()) when
        the init ran as part of this invocation."""
        proc = self.proc
        assert proc is not None and proc.stdin is not None
        if deadline is None:
            deadline = time.monotonic() + self.spec.timeout
        remaining = deadline - time.monotonic()
        request = {"event": event, "request_id": request_id, "deadline_ms": int((time.time() + remaining) * 1000)}
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            self.kill()
            raise FunctionFailed("worker exited") from None
        answer = self._read(remaining + GRACE)
        if answer is None:
            self.kill()
            raise FunctionFailed(f"Task timed out after {self.spec.timeout} seconds")
        if "error" in answer:
            raise FunctionFailed(f"{answer['error']['errorType']}: {answer['error']['errorMessage']}")
        return answer["ok"]

    @property
    def alive(self) -> bool:
        """Running, not started yet (a cold start on its way), or waiting to run its init again."""
        return not self._closed and (self.needs_init or self.proc is None or self.proc.poll() is None)

    def kill(self, *, final: bool = False) -> None:
        with self._lock:
            self._closed = self._closed or final
            proc, results = self.proc, self._results
            if proc is None:
                return
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            if results is not None:
                results.close()


class FunctionPool:
    """The execution environments of one function. A request takes an idle worker; when there is
    none, a new one is started (a cold start, up to ``max_concurrency`` workers) and the request is
    served by the first worker that becomes free - a warm one finishing its invocation, or the new
    one once its init is done. Inits run in the background, each once it has one of the shared
    ``init_slots`` (a core), against the init limit; the invocation's Timeout starts only when a
    worker is given the invocation."""

    def __init__(
        self, spec: FunctionSpec, env: dict[str, str], *, max_concurrency: int, log: TextIO | None,
        init_slots: threading.Semaphore | None = None, init_timeout: float = INIT_TIMEOUT,
    ) -> None:
        self.spec = spec
        self.env = env
        self.log = log
        self.max_concurrency = max_concurrency
        self.init_slots = init_slots or threading.BoundedSemaphore(default_init_slots())
        self.init_timeout = init_timeout
        self._idle: list[Worker] = []
        self._all: list[Worker] = []  # idle, busy, and starting
        self._starting = 0
        self._waiting = 0
        self._closed = False
        self._cond = threading.Condition()
        self.cold_starts = 0
        self.init_failures = 0

    def _acquire(self) -> Worker:
        with self._cond:
            self._waiting += 1
            try:
                while True:
                    if self._closed:
                        raise FunctionFailed("the gateway is stopping")
                    self._all = [w for w in self._all if w.alive]
                    if self._idle:
                        return self._idle.pop()
                    if self._starting < self._waiting and len(self._all) < self.max_concurrency:
                        worker = Worker(self.spec, self.env, self.log)
                        self._all.append(worker)
                        self._starting += 1
                        threading.Thread(target=self._init, args=(worker,), daemon=True,
                                         name=f"init-{self.spec.logical_id}").start()
                    self._cond.wait()
            finally:
                self._waiting -= 1

    def _release(self, worker: Worker) -> None:
        with self._cond:
            self._release_locked(worker)

    def _init(self, worker: Worker) -> None:
        """A cold start: the init phase of a new worker, on a core of its own, within the init limit."""
        try:
            with self.init_slots:
                with self._cond:
                    self.cold_starts += 1
                worker.start()
                worker.wait_ready(self.init_timeout)
        except InitFailed as exc:
            if self._closed:  # killed by close()
                return
            # As Lambda does: the environment stays, and its first invocation runs init again.
            with self._cond:
                self.init_failures += 1
            worker.needs_init = True
            sys.stderr.write(f"[gateway] {self.spec.logical_id} {exc}; init runs again within the next invocation\n")
        except FunctionFailed:  # stopping
            pass
        finally:
            with self._cond:
                self._starting -= 1
                self._release_locked(worker)

    def _release_locked(self, worker: Worker) -> None:
        if worker.alive and not self._closed:
            self._idle.append(worker)
        else:
            worker.kill(final=True)
        self._cond.notify()

    def _init_within(self, worker: Worker) -> float:
        """A suppressed init: init again as part of the invocation; the invocation's deadline."""
        with self.init_slots:
            deadline = time.monotonic() + self.spec.timeout
            worker.needs_init = False
            worker.start()
            try:
                worker.wait_ready(deadline - time.monotonic())
            except InitFailed as exc:
                raise FunctionFailed(f"Task timed out after {self.spec.timeout} seconds" if "timed out" in str(exc)
                                     else str(exc)) from None
            return deadline

    def invoke(self, event: dict[str, Any], request_id: str) -> dict[str, Any]:
        worker = self._acquire()
        try:
            deadline = self._init_within(worker) if worker.needs_init else None
            return worker.invoke(event, request_id, deadline)
        finally:
            self._release(worker)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers, self._all, self._idle = self._all, [], []
            self._cond.notify_all()
        for worker in workers:
            worker.kill(final=True)


# ---------------------------------------------------------------- routing

@dataclass
class CompiledRoute:
    route: Route
    regex: re.Pattern[str]
    score: tuple[int, ...]


def _compile(route: Route) -> CompiledRoute:
    segments = route.path.strip("/").split("/")
    regex, score = "", []
    for seg in segments:
        m = re.fullmatch(r"\{([A-Za-z0-9_]+)(\+?)\}", seg)
        if m and m.group(2):
            regex += f"/(?P<{m.group(1)}>.+)"
            score.append(0)
        elif m:
            regex += f"/(?P<{m.group(1)}>[^/]+)"
            score.append(1)
        else:
            regex += "/" + re.escape(seg)
            score.append(2)
    # more specific segments first, then method-specific over ANY
    return CompiledRoute(route, re.compile(f"^{regex or '/'}$"), (*score, 1 if route.method != "ANY" else 0))


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self.default = next((r for r in routes if r.path == "$default"), None)
        self.compiled = sorted((_compile(r) for r in routes if r.path != "$default"), key=lambda c: c.score, reverse=True)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for c in self.compiled:
            if c.route.method not in (method, "ANY"):
                continue
            m = c.regex.match(path)
            if m:
                return c.route, {k: unquote(v) for k, v in m.groupdict().items()}
        return (self.default, {}) if self.default else None


# ---------------------------------------------------------------- events

def build_event(
    *, method: str, target: str, headers: list[tuple[str, str]], body: bytes, route: Route,
    path_params: dict[str, str], source_ip: str, host: str,
) -> dict[str, Any]:
    url = urlsplit(target)
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
            continue
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    query: dict[str, str] = {}
    for k, v in parse_qsl(url.query, keep_blank_values=True):
        query[k] = f"{query[k]},{v}" if k in query else v
    now = time.time()
    request_id = base64.b32encode(uuid.uuid4().bytes[:10]).decode().rstrip("=")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": merged,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_params:
        event["pathParameters"] = path_params
    if body:
        content_type = merged.get("content-type", "")
        textual = not content_type or content_type.startswith(TEXT_TYPES)
        try:
            if not textual:
                raise UnicodeDecodeError("binary", b"", 0, 1, "binary content type")
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def _to_http(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """A Lambda result as API Gateway turns it into HTTP (payload format 2.0 rules)."""
    if not (isinstance(result, dict) and "statusCode" in result):
        return 200, [("Content-Type", "application/json")], json.dumps(result).encode("utf-8")
    headers = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(v)) for v in values]
    headers += [("Set-Cookie", c) for c in result.get("cookies") or []]
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
    return int(result["statusCode"]), headers, data


# ---------------------------------------------------------------- server

def _rate_seconds(expression: str) -> int:
    m = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", expression.strip())
    if not m:
        raise ValueError(f"unsupported schedule {expression!r} (the local stack runs rate() schedules)")
    return int(m.group(1)) * {"minute": 60, "hour": 3600, "day": 86400}[m.group(2).rstrip("s")]


def scheduled_event(function: str, at: float | None = None) -> dict[str, Any]:
    when = time.gmtime(at if at is not None else time.time())
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", when), "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{function}"], "detail": {},
    }


def is_loopback(address: str) -> bool:
    """Whether a client address is this machine (127.0.0.0/8, ::1, or either IPv4-mapped)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool((mapped or ip).is_loopback)


class Gateway:
    def __init__(
        self, functions: list[FunctionSpec], env_for: Callable[[FunctionSpec, str], dict[str, str]], *,
        host: str = "127.0.0.1", port: int = 3000, max_concurrency: int = 10, log: TextIO | None = None,
        access_log: TextIO | None = sys.stderr, run_schedules: bool = True, max_concurrent_inits: int | None = None,
        init_timeout: float = INIT_TIMEOUT,
    ) -> None:
        self.router = Router([r for f in functions for r in f.routes])
        self.schedules = {f.logical_id: [_rate_seconds(e) for e in f.schedules] for f in functions if f.schedules}
        self.run_schedules = run_schedules
        # functions with no trigger at all (the operator's, e.g. MerchantTokens): invoked directly with
        # "POST /_local/invoke/<FunctionLogicalId>" and the event as the body, as `sam remote invoke` does
        self.direct = {f.logical_id for f in functions if not (f.routes or f.schedules or f.streams or f.s3)}
        # more local control paths ("POST /_local/streams/drain" -> handler(body) -> (status, json))
        self.controls: dict[str, Callable[[bytes], tuple[int, Any]]] = {}
        self._stopping = threading.Event()
        self._serving = False
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            started: float | None = None

            def log_message(self, fmt: str, *args: Any) -> None:
                if access_log is not None:
                    took = f" {(time.monotonic() - self.started) * 1000:.0f} ms" if self.started is not None else ""
                    access_log.write(f"[gateway] {self.address_string()} {fmt % args}{took}\n")
                    access_log.flush()

            def _serve(self) -> None:
                self.started = time.monotonic()
                gateway._serve(self)

            def __getattr__(self, name: str) -> Any:
                # Every method, TRACE and made-up ones included, goes through routing as in API
                # Gateway (unmatched -> $default), rather than http.server's 501.
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

        self._server = LocalServer((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="gateway", daemon=True)
        # one set of init slots for all functions: inits compete for the same cores
        self.init_slots = threading.BoundedSemaphore(max_concurrent_inits or default_init_slots())
        self.pools = {f.logical_id: FunctionPool(f, env_for(f, self.url), max_concurrency=max_concurrency, log=log,
                                                 init_slots=self.init_slots, init_timeout=init_timeout)
                      for f in functions}

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Gateway:
        self._serving = True
        self._thread.start()
        if self.run_schedules:
            for function, rates in self.schedules.items():
                for rate in rates:
                    threading.Thread(target=self._tick, args=(function, rate), name=f"schedule-{function}",
                                     daemon=True).start()
        return self

    def _tick(self, function: str, every: int) -> None:
        while not self._stopping.wait(every):
            self.fire(function)

    def fire(self, function: str, at: float | None = None) -> Any:
        """Invoke a scheduled function now, as EventBridge would at time ``at``."""
        try:
            return self.pools[function].invoke(scheduled_event(function, at), str(uuid.uuid4()))
        except FunctionFailed as exc:
            sys.stderr.write(f"[gateway] scheduled {function} failed: {exc}\n")
            raise

    def serve_forever(self) -> None:
        self._serving = True
        self._server.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        if self._serving:  # shutdown() waits for serve_forever(), which never ran otherwise
            self._server.shutdown()
        self._server.server_close()
        for pool in self.pools.values():
            pool.close()

    @staticmethod
    def _reply(req: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        req.send_response(status)
        names = {k.lower() for k, _ in headers}
        for k, v in headers:
            req.send_header(k, v)
        if "content-length" not in names:
            req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        if req.command != "HEAD":
            req.wfile.write(body)

    def _message(self, req: BaseHTTPRequestHandler, status: int, message: str) -> None:
        self._reply(req, status, [("Content-Type", "application/json")], json.dumps({"message": message}).encode())

    def _error(self, req: BaseHTTPRequestHandler, status: int, code: str, message: str, details: Any = None) -> None:
        """An answer in the shop's one error shape."""
        body = json.dumps({"error": {"code": code, "message": message, "details": details}}, ensure_ascii=False)
        self._reply(req, status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body.encode())

    def _control(self, req: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        extra = self.controls.get(f"{req.command} {path}")
        if extra is not None:
            status, payload = extra(body)
            self._reply(req, status, [("Content-Type", "application/json")], json.dumps(payload).encode())
            return
        direct = re.fullmatch(r"/_local/invoke/([A-Za-z0-9]+)", path)
        if req.command == "POST" and direct and direct.group(1) in self.direct:
            try:
                event = json.loads(body or b"{}")
            except ValueError:
                self._error(req, 400, "invalid_request", "The body must be the event, as JSON.")
                return
            try:
                result = self.pools[direct.group(1)].invoke(event, str(uuid.uuid4()))
            except FunctionFailed:
                self._message(req, 500, "Internal Server Error")
                return
            self._reply(req, 200, [("Content-Type", "application/json")], json.dumps(result).encode())
            return
        m = re.fullmatch(r"/_local/schedules/([A-Za-z0-9]+)", path)
        if req.command != "POST" or not m or m.group(1) not in self.schedules:
            paths = [f"POST /_local/schedules/<{'|'.join(self.schedules)}>",
                     *(f"POST /_local/invoke/{name}" for name in sorted(self.direct)), *self.controls]
            self._error(req, 404, "route_not_found", "No such local control path.", {"control_paths": paths})
            return
        at = None
        if body:
            try:
                at = datetime.fromisoformat(json.loads(body)["time"].replace("Z", "+00:00")).timestamp()
            except (ValueError, KeyError, TypeError, AttributeError):
                self._error(req, 400, "invalid_request", 'body: {"time": "2026-11-25T10:00:00Z"}')
                return
        try:
            result = self.fire(m.group(1), at)
        except FunctionFailed:
            self._message(req, 500, "Internal Server Error")
            return
        self._reply(req, 200, [("Content-Type", "application/json")], json.dumps(result).encode())

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._message(req, 413, "Request Entity Too Large")
            req.close_connection = True
            return
        body = req.rfile.read(length) if length else b""
        path = urlsplit(req.path).path
        if path.startswith("/_local/"):
            if not is_loopback(req.client_address[0]):
                # the control paths are for this machine only; to a phone on the LAN (or anyone
                # else) they do not exist, as they do not in AWS
                self._error(req, 404, "route_not_found", "No such route.")
                return
            self._control(req, path, body)
            return
        matched = self.router.match(req.command, path)
        if matched is None:
            self._message(req, 404, "Not Found")
            return
        route, params = matched
        event = build_event(
            method=req.command, target=req.path, headers=list(req.headers.items()), body=body, route=route,
            path_params=params, source_ip=req.client_address[0], host=req.headers.get("Host", "127.0.0.1"),
        )
        request_id = str(uuid.uuid4())
        try:
            result = self.pools[route.function].invoke(event, request_id)
        except FunctionFailed as exc:
            sys.stderr.write(f"[gateway] {route.function} failed: {exc}\n")
            self._message(req, 500, "Internal Server Error")
            return
        status, headers, data = _to_http(result)
        headers.append(("apigw-requestid", event["requestContext"]["requestId"]))
        self._reply(req, status, headers, data)
