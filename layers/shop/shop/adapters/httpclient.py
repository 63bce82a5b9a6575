"""A small HTTP client over http.client for calls to WeChat's APIs.

urllib.request is avoided on purpose: its first urlopen() builds an opener whose HTTPS handler loads
the system CA bundle even for plain-http URLs, and importing it pulls in more of the standard
library - together 40-70 ms of a cold start. Here a TLS context is made (once per process) only for
https URLs. Every call has a timeout; redirects are not followed (WeChat's APIs do not redirect).
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = field(repr=False)
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


@cache
def _tls_context() -> Any:
    import ssl

    return ssl.create_default_context()


def request(
    method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float
) -> HttpResponse:
    """One request. Network failures raise OSError (TimeoutError, ConnectionError, ...)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=timeout, context=_tls_context()
        )
    elif parts.scheme == "http":
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    else:
        raise ValueError(f"unsupported URL scheme {parts.scheme!r}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        return HttpResponse(resp.status, resp.read(), {k.lower(): v for k, v in resp.getheaders()})
    except http.client.HTTPException as exc:
        raise ConnectionError(f"bad HTTP response: {type(exc).__name__}") from None
    finally:
        conn.close()
