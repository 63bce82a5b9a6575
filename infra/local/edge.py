"""The console's CloudFront distribution, locally: one origin that serves the built console
(console/dist) and passes /admin/* to the local API, with the response headers policy of
template.yaml (ConsoleHeadersPolicy: the Content-Security-Policy and the other security headers),
its AWS hosts replaced by the local stack's - so a page that breaks the policy in AWS breaks here.

As ConsoleDistribution does: index.html is not cached (a new build shows at the next load), the
hashed assets are immutable, a path that is no file is 404 (the console routes by #hash, so there is
no SPA fallback), /admin/* goes to the API unchanged (cookies, status, body).

The shop front end's H5 build (miniprogram/, make miniprogram) is served the same way for the
browser tests and for trying the shop in a browser: its API calls go to /api/*, passed to the API
without the /api prefix, so the pages and the API share one origin and the API needs no CORS; and
/sim/* goes to the WeChat simulator the same way, for the H5 build's stand-in for wx.requestPayment
(the simulator's pay), which only the local stack has.
"""

from __future__ import annotations

import http.client
import mimetypes
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.local.servers import LocalServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json",
         ".woff2": "font/woff2", ".woff": "font/woff", ".ico": "image/x-icon", ".png": "image/png"}


def security_headers(policy_config: dict[str, Any]) -> dict[str, str]:
    """The headers a CloudFront ResponseHeadersPolicyConfig's SecurityHeadersConfig adds."""
    config = policy_config.get("SecurityHeadersConfig", {})
    out: dict[str, str] = {}
    if csp := config.get("ContentSecurityPolicy"):
        out["Content-Security-Policy"] = " ".join(str(csp["ContentSecurityPolicy"]).split())
    if hsts := config.get("StrictTransportSecurity"):
        out["Strict-Transport-Security"] = f"max-age={hsts['AccessControlMaxAgeSec']}" + (
            "; includeSubDomains" if hsts.get("IncludeSubdomains") else "") + ("; preload" if hsts.get("Preload") else "")
    if "ContentTypeOptions" in config:
        out["X-Content-Type-Options"] = "nosniff"
    if frame := config.get("FrameOptions"):
        out["X-Frame-Options"] = frame["FrameOption"]
    if referrer := config.get("ReferrerPolicy"):
        out["Referrer-Policy"] = referrer["ReferrerPolicy"]
    return out


@dataclass(frozen=True)
class Upstream:
    """Requests under ``prefix`` go to ``url``, with the prefix taken off when ``strip``."""

    prefix: str
    url: str
    strip: bool = False

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or 80


class ConsoleEdge:
    def __init__(self, root: Path, api_url: str, headers: dict[str, str], *, host: str = "127.0.0.1",
                 port: int = 0, upstreams: list[Upstream] | None = None) -> None:
        self.root, self.headers = root.resolve(), headers
        self.upstreams = upstreams or [Upstream("/admin/", api_url)]
        self.server = LocalServer((host, port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, name="console-edge", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ConsoleEdge:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _file(self, path: str) -> Path | None:
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        candidate = (self.root / relative).resolve()
        if self.root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        edge = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # the API's access log is enough
                return

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in {**headers, **edge.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _static(self) -> None:
                path = urlsplit(self.path).path
                found = edge._file(path)
                if found is None:
                    self._send(404, b"Not Found", {"Content-Type": "text/plain; charset=utf-8",
                                                   "Cache-Control": "no-cache"})
                    return
                kind = TYPES.get(found.suffix) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                cache = "public, max-age=31536000, immutable" if "/assets/" in path else "no-cache"
                self._send(200, found.read_bytes(), {"Content-Type": kind, "Cache-Control": cache})

            def _proxy(self, upstream: Upstream) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers["Host"] = self.headers.get("host", "")  # AllViewerExceptHostHeader: the API sees its own
                conn = http.client.HTTPConnection(*upstream.address, timeout=60)
                try:
                    path = self.path[len(upstream.prefix) - 1:] if upstream.strip else self.path
                    conn.request(self.command, path, body=body, headers=headers)
                    answer = conn.getresponse()
                    data = answer.read()
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in HOP_BY_HOP:
                            self.send_header(name, value)
                    for name, value in edge.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    conn.close()

            def _route(self) -> None:
                path = urlsplit(self.path).path
                upstream = next((u for u in edge.upstreams if path.startswith(u.prefix)), None)
                if upstream is not None:
                    self._proxy(upstream)
                elif self.command in ("GET", "HEAD"):
                    self._static()
                else:
                    self._send(405, b"Method Not Allowed", {"Content-Type": "text/plain; charset=utf-8",
                                                            "Allow": "GET, HEAD"})

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route  # noqa: N815

        return Handler
