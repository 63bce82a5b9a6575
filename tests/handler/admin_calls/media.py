"""The /admin routes of media uploads (docs/media.md)."""

from __future__ import annotations

import os
from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    # Issuing a presigned POST is computed locally (no S3 call): a bucket name and a CDN base are all
    # the function needs besides the table. The template sets both; the access tests' environment
    # (tests/conftest.py BASE_ENV) does not, so they are given here.
    os.environ.setdefault("MEDIA_BUCKET", "test-media")
    os.environ.setdefault("MEDIA_BASE_URL", "https://media.example.com")
    return {
        ("POST", "/admin/uploads"): ("/admin/uploads", {"kind": "image", "content_type": "image/png", "size": 2048}),
    }
