"""The local gateway's own behaviour: a worker's init phase is timed apart from its invocations (as
in Lambda), and the /_local/ control paths answer this machine only."""

from __future__ import annotations

import json
import os
import socket
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from infra.local.gateway import FunctionFailed, FunctionPool, Gateway, Worker, is_loopback
from infra.local.template import FunctionSpec

# ---------------------------------------------------------------- init phase vs Timeout

APP = """
import os, time
time.sleep(float(os.environ.get("INIT_SLEEP", "0")))
if os.environ.get("INIT_FAIL"):
    raise RuntimeError("broken at import")

def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return {"remaining_ms": context.get_remaining_time_in_millis(), "pid": os.getpid()}
"""


def pool(tmp_path: Path, *, timeout: int = 1, init_timeout: float = 10.0, **env: str) -> FunctionPool:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    spec = FunctionSpec("SlowFunction", tmp_path, "app.handler", timeout, 128, {})
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LAMBDA_TASK_ROOT": str(tmp_path), "LOCAL_LAYER_PATH": str(tmp_path),
        "LOCAL_FUNCTION_TIMEOUT": str(timeout), "_HANDLER": "app.handler", "AWS_LAMBDA_FUNCTION_NAME": "SlowFunction",
        "PYTHONDONTWRITEBYTECODE": "1", **env,
    }
    return FunctionPool(spec, environment, max_concurrency=2, log=None, init_timeout=init_timeout)


def test_the_init_phase_is_not_part_of_the_functions_timeout(tmp_path: Path) -> None:
    functions = pool(tmp_path, timeout=1, INIT_SLEEP="1.5")  # init longer than the whole Timeout
    try:
        answer = functions.invoke({}, "r1")
        assert 500 < answer["remaining_ms"] <= 1000  # the Timeout started with the invocation
        assert functions.cold_starts == 1 and functions.init_failures == 0
        with pytest.raises(FunctionFailed, match="Task timed out after 1 seconds"):
            functions.invoke({"sleep": 3}, "r2")  # ...and still holds for the handler itself
        assert functions.invoke({}, "r3")["pid"] != answer["pid"]  # the timed-out worker was replaced
    finally:
        functions.close()


def test_an_init_that_overruns_its_limit_runs_again_within_the_invocation(tmp_path: Path) -> None:
    functions = pool(tmp_path, timeout=3, init_timeout=0.3, INIT_SLEEP="0.8")
    try:
        answer = functions.invoke({}, "r1")
        assert functions.init_failures == 1
        assert answer["remaining_ms"] < 3000 - 500  # the second init counted against the Timeout
        assert functions.invoke({}, "r2")["pid"] == answer["pid"]  # then it is an ordinary warm worker
    finally:
        functions.close()


def test_a_failed_init_fails_the_invocation(tmp_path: Path) -> None:
    functions = pool(tmp_path, INIT_FAIL="1")
    try:
        with pytest.raises(FunctionFailed, match="Runtime.ImportModuleError: broken at import"):
            functions.invoke({}, "r1")
        assert functions.init_failures == 1
    finally:
        functions.close()


# ---------------------------------------------------------------- /_local/ is for loopback clients

def gateway_with_a_control() -> tuple[Gateway, list[bytes]]:
    calls: list[bytes] = []
    gateway = Gateway([], lambda spec, url: {}, host="127.0.0.1", port=0, access_log=None, run_schedules=False)

    def drain(body: bytes) -> tuple[int, Any]:
        calls.append(body)
        return 200, {"drained": True}

    gateway.controls["POST /_local/streams/drain"] = drain
    return gateway, calls


def serve_one(gateway: Gateway, client_address: tuple[str, int], raw: bytes) -> tuple[int, dict[str, str], Any]:
    """Hand one HTTP request to the gateway's request handler as if it came from ``client_address``."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.sendall(raw)
        ours.shutdown(socket.SHUT_WR)
        handler = threading.Thread(target=gateway._server.RequestHandlerClass, args=(theirs, client_address, gateway._server))
        handler.start()
        handler.join(10)
        theirs.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := ours.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


REQUESTS = [
    b"POST /_local/streams/drain HTTP/1.1\r\nHost: 192.168.1.5:3000\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    b'POST /_local/schedules/OrderTimersFunction HTTP/1.1\r\nHost: 192.168.1.5:3000\r\nContent-Length: 2\r\n'
    b"Connection: close\r\n\r\n{}",
]


@pytest.mark.parametrize("client", ["192.168.1.20", "10.0.0.7", "172.17.0.1", "::ffff:192.168.1.20", "fe80::1"])
def test_a_client_on_the_lan_cannot_reach_the_control_paths(client: str) -> None:
    gateway, calls = gateway_with_a_control()
    try:
        for raw in REQUESTS:
            status, headers, body = serve_one(gateway, (client, 51000), raw)
            assert status == 404 and headers["content-type"] == "application/json"
            assert body == {"error": {"code": "route_not_found", "message": "No such route.", "details": None}}
        assert calls == []  # the control never ran
    finally:
        gateway.stop()


@pytest.mark.parametrize("client", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_this_machine_reaches_the_control_paths(client: str) -> None:
    gateway, calls = gateway_with_a_control()
    try:
        status, _, body = serve_one(gateway, (client, 51000), REQUESTS[0])
        assert (status, body, len(calls)) == (200, {"drained": True}, 1)
        status, _, body = serve_one(gateway, (client, 51000), REQUESTS[1])  # no such schedule here
        assert status == 404 and body["error"]["code"] == "route_not_found" and body["error"]["details"]["control_paths"]
    finally:
        gateway.stop()


def test_loopback_addresses() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.255.0.1", "::1", "::ffff:127.0.0.1"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.0.2", "::", "fe80::1%eth0", "::ffff:10.1.2.3", "", "localhost"]))


def test_over_a_real_socket_when_serving_the_lan() -> None:
    """With --host 0.0.0.0, a request arriving on a non-loopback address of this machine is refused
    and one arriving on 127.0.0.1 is served."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this picks the address a LAN client would reach
        lan_ip = probe.getsockname()[0]
        probe.close()
    except OSError:
        pytest.skip("no non-loopback IPv4 address on this machine")
    if is_loopback(lan_ip) or lan_ip == "0.0.0.0":
        pytest.skip("no non-loopback IPv4 address on this machine")
    import urllib.error
    import urllib.request

    calls: list[bytes] = []
    gateway = Gateway([], lambda spec, url: {}, host="0.0.0.0", port=0, access_log=None, run_schedules=False)
    gateway.controls["POST /_local/streams/drain"] = lambda body: (calls.append(body), (200, {"drained": True}))[1]
    gateway.start()
    port = gateway._server.server_address[1]
    try:
        def post(host: str) -> tuple[int, Any]:
            req = urllib.request.Request(f"http://{host}:{port}/_local/streams/drain", data=b"", method="POST")
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status, json.loads(resp.read())
            except urllib.error.HTTPError as err:
                return err.code, json.loads(err.read())

        # a socket from this machine to its LAN address has the LAN address as its source
        status, body = post(lan_ip)
        assert (status, body["error"]["code"], calls) == (404, "route_not_found", [])
        assert post("127.0.0.1") == (200, {"drained": True}) and len(calls) == 1
    finally:
        gateway.stop()


def test_cold_starts_take_turns_for_the_cores(tmp_path: Path) -> None:
    """Eight requests at once through two init slots: never more than two inits run at once (each
    one's limit counts from when it got a core), and every request is served."""
    functions = pool(tmp_path, timeout=5, INIT_SLEEP="0.3")
    functions.max_concurrency = 8
    functions.init_slots = threading.BoundedSemaphore(2)
    running, peak, lock = 0, 0, threading.Lock()
    start_worker, wait_ready = Worker.start, Worker.wait_ready

    def counted_start(worker: Worker) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        start_worker(worker)

    def counted_wait(worker: Worker, seconds: float) -> None:
        nonlocal running
        try:
            wait_ready(worker, seconds)
        finally:
            with lock:
                running -= 1

    answers: list[Any] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Worker, "start", counted_start)
        mp.setattr(Worker, "wait_ready", counted_wait)
        try:
            serve_at_once(functions, [{"sleep": 0.5}] * 8, answers)
            deadline = time.monotonic() + 30
            while functions.cold_starts < 8 and time.monotonic() < deadline:  # the burst asked for 8
                time.sleep(0.05)
        finally:
            functions.close()
    assert len(answers) == 8
    assert functions.cold_starts == 8 and functions.init_failures == 0
    assert peak == 2


def test_a_burst_is_served_by_the_first_workers_ready(tmp_path: Path) -> None:
    """A request is not tied to the cold start it caused: a burst waits for one init, not for one
    init each (with one init slot and 1 s inits, six requests take about a second, not six)."""
    functions = pool(tmp_path, timeout=5, INIT_SLEEP="1")
    functions.max_concurrency = 6
    functions.init_slots = threading.BoundedSemaphore(1)
    answers: list[Any] = []
    try:
        started = time.monotonic()
        serve_at_once(functions, [{}] * 6, answers)
        elapsed = time.monotonic() - started
    finally:
        functions.close()
    assert len(answers) == 6
    assert elapsed < 4.5, elapsed


def serve_at_once(functions: FunctionPool, events: list[dict[str, Any]], answers: list[Any]) -> None:
    threads = [threading.Thread(target=lambda e=e: answers.append(functions.invoke(e, "r"))) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
