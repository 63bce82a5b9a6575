"""Starts the local stack exactly as `make dev` does (python -m infra.local.devstack), on free
ports, and tears it down after the session.

Waits here and in the e2e tests assume a busy machine, not a quiet one: they poll for the state
they expect and give up only after a deadline far above what a quiet machine needs (PATIENCE), so
two cores saturated by other work make the suite slower, never red.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.local.template import ROOT

# How long a test waits for something the stack does on its own (a notification, a refund, the
# stream consumers, the stack coming up) before calling it a failure. A quiet machine needs a
# second or two; a machine whose cores are busy with other work, many times that.
PATIENCE = 180.0
# A client's timeout for one HTTP request: a request may queue behind a burst of cold starts.
REQUEST_TIMEOUT = 120.0


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def error_code(self) -> str | None:
        try:
            return self.json["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None


@dataclass
class Stack:
    url: str
    moto_url: str
    wechat_url: str
    log: Path
    console_url: str = ""  # the merchant console's local distribution (infra/local/edge.py)
    shop_url: str = ""  # the shop front end's H5 build, its API under /api/ (infra/local/edge.py)

    def request(self, method: str, path: str, *, json_body: Any = None, data: bytes | None = None,
                token: str | None = None, headers: dict[str, str] | None = None) -> HttpReply:
        hdrs = {"User-Agent": "e2e (wx.request)", **(headers or {})}
        if json_body is not None:
            data = json.dumps(json_body).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as resp:
                return HttpReply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as err:
            return HttpReply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())

    def sim(self, path: str, body: Any = None) -> HttpReply:
        """Call the WeChat (Pay) simulator's own endpoints, e.g. /_sim/pay/<order id>."""
        req = urllib.request.Request(self.wechat_url + path, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as resp:
                return HttpReply(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as err:
            return HttpReply(err.code, dict(err.headers), err.read())

    @contextmanager
    def domain(self) -> Iterator[None]:
        """Run shop domain code in this process against the stack's DynamoDB (merchant-side setup
        and checks that no route exposes, e.g. raw stock counts)."""
        from shop.adapters import aws

        values = {"AWS_ENDPOINT_URL": self.moto_url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                  "AWS_DEFAULT_REGION": "us-east-1", "SHOP_TABLE_NAME": "minishop-local-ShopTable"}
        with pytest.MonkeyPatch.context() as mp:
            for key, value in values.items():
                mp.setenv(key, value)
            mp.delenv("AWS_SESSION_TOKEN", raising=False)
            aws.reset()
            try:
                yield
            finally:
                aws.reset()

    def drain(self) -> None:
        """Wait until the stream consumers (GrowthEvents) have handled every change made so far.
        The stack answers 504 when they have not caught up within its own wait: ask again until
        PATIENCE runs out."""
        deadline = time.monotonic() + PATIENCE
        while True:
            reply = self.request("POST", "/_local/streams/drain")
            if reply.status != 504 or time.monotonic() > deadline:
                break
        assert reply.status == 200, reply.text

    def get(self, path: str, **kw: Any) -> HttpReply:
        return self.request("GET", path, **kw)

    def post(self, path: str, json_body: Any = None, **kw: Any) -> HttpReply:
        return self.request("POST", path, json_body=json_body, **kw)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("stack")
    log, ready = folder / "stack.log", folder / "ready.json"
    with open(log, "w") as out:
        proc = subprocess.Popen(  # noqa: S603 - ports 0: the stack picks free ones and says which
            [sys.executable, "-m", "infra.local.devstack", "--port", "0", "--wechat-port", "0", "--moto-port", "0",
             "--console-port", "0", "--shop-port", "0", "--ready-file", str(ready)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + PATIENCE
    while not ready.exists():
        if proc.poll() is not None:
            pytest.fail(f"the local stack exited: {log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the local stack did not come up: {log.read_text()[-3000:]}")
        time.sleep(0.2)
    urls = json.loads(ready.read_text())
    s = Stack(urls["url"], urls["moto_url"], urls["wechat_url"], log, urls["console_url"], urls["shop_url"])
    assert s.get("/categories").status == 200
    yield s
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
