"""Mini-program codes (小程序码) for sharing: wxacode.getUnlimited (POST /wxa/getwxacodeunlimit).

WeChat answers with the image (PNG; the media type is read from the bytes, not assumed) or, on
failure, with JSON. The scene carries at most 32 visible
characters; the page it opens reads them from options.scene (URL-encoded).
"""

from __future__ import annotations

import json
from typing import Literal

from shop.adapters import httpclient
from shop.adapters.config import setting, setting_float
from shop.core.errors import ServiceUnavailable, UpstreamError
from shop.adapters.observability import logger
from shop.adapters.wechat import access_token

EnvVersion = Literal["release", "trial", "develop"]
MAX_SCENE = 32
RATE_LIMITED = 45009


def image_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def unlimited(scene: str, *, page: str, env_version: str = "release", width: int = 430) -> tuple[bytes, str]:
    """The image of a mini-program code that opens ``page`` with ``scene``, and its media type."""
    if not 0 < len(scene) <= MAX_SCENE or not scene.isascii() or not scene.isprintable():
        raise ValueError("a wxacode scene is 1-32 visible ASCII characters")
    body = json.dumps({"scene": scene, "page": page.lstrip("/"), "check_path": env_version == "release",
                       "env_version": env_version, "width": width, "is_hyaline": False}).encode("utf-8")
    for attempt in (1, 2):
        token = access_token.get() if attempt == 1 else access_token.refresh()
        url = f"{setting('WECHAT_API_BASE_URL').rstrip('/')}/wxa/getwxacodeunlimit?access_token={token}"
        try:
            resp = httpclient.request("POST", url, body=body, headers={"Content-Type": "application/json"},
                                      timeout=setting_float("WECHAT_HTTP_TIMEOUT_SECONDS"))
        except OSError as exc:  # the URL holds the token: log the error type only
            logger.warning("getwxacodeunlimit unreachable", extra={"error": type(exc).__name__})
            raise ServiceUnavailable("WeChat is unreachable; try again.", code="wechat_unavailable",
                                     headers={"Retry-After": "1"}) from None
        kind = image_type(resp.body) if resp.status == 200 else None
        if kind:
            return resp.body, kind
        try:
            errcode = json.loads(resp.body).get("errcode")
        except (ValueError, AttributeError):
            errcode = None
        if errcode in access_token.INVALID_TOKEN and attempt == 1:
            continue
        logger.error("getwxacodeunlimit failed", extra={"errcode": errcode, "status": resp.status})
        if errcode in (-1, RATE_LIMITED):
            raise ServiceUnavailable("WeChat is busy; try again.", code="wechat_busy", headers={"Retry-After": "1"})
        break
    raise UpstreamError("WeChat could not make the share code.", code="wechat_error")
