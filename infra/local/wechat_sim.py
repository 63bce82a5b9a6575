"""The WeChat simulator: WeChat's server APIs on loopback, for the local stack and the tests.

Mini-program login (GET /sns/jscode2session)
  Any js_code logs in: the same code always maps to the same openid, a new code to a new openid
  (real codes are single use; reusing one here is how a tester logs in as the same user again).
  Reserved codes answer as WeChat does on failure:
    invalid -> 40029 invalid code        used      -> 40163 code been used
    busy    -> -1 system busy            ratelimit -> 45011 rate limited
    blocked -> 40226 high-risk user      slow      -> answers after 10 s (a client time-out)
  A wrong appid or secret answers 40013 / 40125.

Access token (POST /cgi-bin/stable_token)
  The same token while it is valid; force_refresh issues a new one.

Mini-program code (POST /wxa/getwxacodeunlimit?access_token=...)
  Checks the token, the scene (1-32 characters of WeChat's allowed set), the page and the width as
  WeChat does and draws a PNG locally: a pattern derived from scene and page (not scannable), with
  the scene, page and env_version in tEXt chunks so tests can read back what was asked for.

Inspection (GET /_sim/openid?code=...)
  Which openid a code maps to.

Shipping management (POST /wxa/sec/order/..., get_delivery_list) and message pushes to the shop:
see wechat_shipping_sim.py (``sim.shipping``).

Subscribe messages (POST /cgi-bin/message/subscribe/send) and the user's accepts, templates and
faults under /_sim/subscribe/: see wechat_subscribe_sim.py (``sim.subscribe``).

WeChat Pay API v3 (/v3/..., and the user's side under /_sim/pay...): see wechatpay_sim.py.
"""

from __future__ import annotations

import hashlib
from collections import deque
import hmac
import json
import secrets
import struct
import threading
import zlib
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from infra.local.servers import LocalServer

if TYPE_CHECKING:
    from infra.local.wechatpay_sim import WeChatPaySimulator

RESERVED_CODES = {
    "invalid": (40029, "invalid code"),
    "used": (40163, "code been used"),
    "busy": (-1, "system error"),
    "ratelimit": (45011, "api minute-quota reach limit mustslower retry next minute"),
    "blocked": (40226, "invalid ip, not in whitelist or high risk user"),
}
PAY_PREFIXES = ("/v3/", "/_sim/pay", "/_sim/notify/", "/_sim/refunds/", "/_sim/transactions/", "/_sim/notifications")
SCENE_CHARS = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$&'()*+,/:;=?@-._~")
SLOW_CODE = "slow"
SLOW_SECONDS = 10
TOKEN_TTL = 7200


class WeChatSimulator:
    def __init__(self, *, app_id: str, app_secret: str, host: str = "127.0.0.1", port: int = 0,
                 pay: WeChatPaySimulator | None = None) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.pay = pay
        self._openid_key = secrets.token_bytes(16)
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self.calls: deque[str] = deque(maxlen=1000)
        from infra.local.wechat_shipping_sim import ShippingSimulator

        self.shipping = ShippingSimulator(self)
        from infra.local.wechat_subscribe_sim import SubscribeSimulator

        self.subscribe = SubscribeSimulator(self)
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet: the gateway logs requests
                pass

            def do_GET(self) -> None:  # noqa: N802
                sim._dispatch(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                sim._dispatch(self, "POST")

        self._server = LocalServer((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="wechat-sim", daemon=True)

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> WeChatSimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------ behaviour
    def openid_for(self, code: str) -> str:
        digest = hmac.new(self._openid_key, code.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"o-sim{digest[:24]}"

    def _code2session(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("appid") != self.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != self.app_secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        if query.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        code = query.get("js_code", "")
        if not code:
            return {"errcode": 41008, "errmsg": "missing code"}
        if code in RESERVED_CODES:
            errcode, errmsg = RESERVED_CODES[code]
            return {"errcode": errcode, "errmsg": errmsg}
        if code == SLOW_CODE:
            time.sleep(SLOW_SECONDS)
        openid = self.openid_for(code)
        self.subscribe.note_login(openid)
        return {
            "openid": openid,
            "session_key": secrets.token_urlsafe(16),
            "unionid": "u-sim" + openid[5:],
        }

    def _stable_token(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if body.get("appid") != self.app_id or body.get("secret") != self.app_secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        with self._lock:
            now = time.time()
            if body.get("force_refresh") or self._token is None or self._token[1] <= now:
                self._token = (secrets.token_urlsafe(48), now + TOKEN_TTL)
            token, expires = self._token
        return {"access_token": token, "expires_in": int(expires - now)}

    def token_valid(self, token: str | None) -> bool:
        with self._lock:
            return self._token is not None and self._token[0] == token and self._token[1] > time.time()

    def _wxacode(self, query: dict[str, str], body: dict[str, Any]) -> tuple[int, bytes, str]:
        def error(errcode: int, errmsg: str) -> tuple[int, bytes, str]:
            return 200, json.dumps({"errcode": errcode, "errmsg": errmsg}).encode(), "application/json; charset=utf-8"

        with self._lock:
            valid = self._token is not None and self._token[0] == query.get("access_token") and self._token[1] > time.time()
        if not valid:
            return error(40001, "invalid credential, access_token is invalid or not latest")
        scene = body.get("scene")
        if not isinstance(scene, str) or not 0 < len(scene) <= 32 or not set(scene) <= SCENE_CHARS:
            return error(40169, "invalid length for scene, or the data is not json string")
        page = body.get("page", "")
        if not isinstance(page, str) or page.startswith("/"):
            return error(41030, "invalid page rid")
        width = body.get("width", 430)
        if not isinstance(width, int) or not 280 <= width <= 1280:
            width = min(max(int(width) if isinstance(width, int) else 430, 280), 1280)
        env = str(body.get("env_version", "release"))
        return 200, draw_code(f"{scene}|{page}", width, {"scene": scene, "page": page, "env_version": env}), "image/png"

    def _dispatch(self, req: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(req.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        self.calls.append(f"{method} {url.path}")
        if self.pay is not None and url.path.startswith(PAY_PREFIXES):
            status, data, headers = self.pay.handle(method, url.path, query, req.path, raw,
                                                    {k.lower(): v for k, v in req.headers.items()})
            self._send(req, status, data, headers)
            return
        status, payload = 200, None
        if url.path.startswith(("/wxa/sec/order/", "/cgi-bin/express/", "/_sim/shipping/", "/_sim/push")):
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            answer = (self.shipping.handle(method, url.path, query, body) if isinstance(body, dict)
                      else (200, {"errcode": 47001, "errmsg": "data format error"}))
            status, payload = answer if answer is not None else (404, {"errcode": 404, "errmsg": "not found"})
        elif url.path.startswith(("/cgi-bin/message/subscribe/", "/_sim/subscribe/")):
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            answer = (self.subscribe.handle(method, url.path, query, body) if isinstance(body, dict)
                      else (200, {"errcode": 47001, "errmsg": "data format error"}))
            status, payload = answer if answer is not None else (404, {"errcode": 404, "errmsg": "not found"})
        elif method == "GET" and url.path == "/sns/jscode2session":
            payload = self._code2session(query)
        elif method == "POST" and url.path == "/cgi-bin/stable_token":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            payload = self._stable_token(body if isinstance(body, dict) else {})
        elif method == "POST" and url.path == "/wxa/getwxacodeunlimit":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            status, data, media_type = self._wxacode(query, body if isinstance(body, dict) else {})
            self._send(req, status, data, {"Content-Type": media_type})
            return
        elif method == "GET" and url.path == "/_sim/openid":
            payload = {"code": query.get("code", ""), "openid": self.openid_for(query.get("code", ""))}
        else:
            status, payload = 404, {"errcode": 404, "errmsg": "not found"}
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send(req, status, data, {"Content-Type": "application/json; charset=utf-8"})

    @staticmethod
    def _send(req: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str]) -> None:
        req.send_response(status)
        for name, value in headers.items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def draw_code(seed: str, width: int, text: dict[str, str]) -> bytes:
    """A grey-scale PNG, ``width`` pixels square: a 21x21 grid of dark and light cells from the
    seed's hash inside a quiet border, plus ``text`` as tEXt chunks."""
    cells = 21
    bits = int.from_bytes(hashlib.sha512(seed.encode("utf-8")).digest(), "big")
    cell = max(width // (cells + 2), 1)
    dark, light = b"\x00" * cell, b"\xff" * cell
    rows = []
    for cy in range(-1, cells + 1):
        pixels = b"".join(dark if 0 <= cx < cells and 0 <= cy < cells and (bits >> ((cy * cells + cx) % 512)) & 1
                          else light for cx in range(-1, cells + 1))
        pixels = (pixels + b"\xff" * width)[:width]
        rows += [b"\x00" + pixels] * cell  # filter type 0, then the row
    rows += [b"\x00" + b"\xff" * width] * (width - len(rows))
    header = struct.pack(">IIBBBBB", width, width, 8, 0, 0, 0, 0)
    chunks = [_png_chunk(b"IHDR", header)]
    chunks += [_png_chunk(b"tEXt", k.encode("latin-1") + b"\x00" + v.encode("latin-1", "replace")) for k, v in text.items()]
    chunks += [_png_chunk(b"IDAT", zlib.compress(b"".join(rows), 6)), _png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)
