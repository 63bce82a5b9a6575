"""Media against the running local stack, as the console would do it: ask for a presigned POST, send
the file to the URL it names (moto, behind the S3 front that checks the policy), let S3's event
reach ThumbnailsFunction (the local stack delivers the template's S3 events), and read the
thumbnail where the answer said it would be served."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

import pytest

from tests.e2e.conftest import REQUEST_TIMEOUT, Stack
from tests.e2e.test_buying_journey import merchant
from tests.handler.test_media import image, post_form

pytestmark = pytest.mark.e2e


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as reply:  # noqa: S310 - the local stack
            return reply.status, reply.headers.get("Content-Type", ""), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


def drain(stack: Stack) -> None:
    reply = stack.post("/_local/s3/drain")
    assert reply.status == 200 and reply.json["drained"], reply.text


def test_an_uploaded_image_is_served_with_its_thumbnails_and_a_fake_one_is_not(stack: Stack) -> None:
    from PIL import Image

    token = merchant()
    png = image("PNG", (1000, 500))
    created = stack.post("/admin/uploads", {"kind": "image", "content_type": "image/png", "size": len(png)}, token=token)
    assert created.status == 201, created.text
    body = created.json
    assert body["post"]["url"].startswith(stack.moto_url)
    status, text = post_form(body["post"]["url"], body["post"]["fields"], b"x" * (5 * 1024 * 1024 + 1))
    assert status == 400 and "EntityTooLarge" in text
    status, text = post_form(body["post"]["url"], body["post"]["fields"], png)
    assert status == 204, text
    drain(stack)
    status, content_type, data = fetch(body["url"])
    assert (status, content_type, data) == (200, "image/png", png)
    status, content_type, data = fetch(body["thumbnail_urls"]["240"])
    assert (status, content_type) == (200, "image/webp")
    assert Image.open(io.BytesIO(data)).size == (240, 120)

    fake = b"<?php echo 'not an image'; ?>"
    created = stack.post("/admin/uploads", {"kind": "image", "content_type": "image/png", "size": len(fake)}, token=token)
    body = created.json
    assert post_form(body["post"]["url"], body["post"]["fields"], fake)[0] == 204
    drain(stack)
    assert fetch(body["url"])[0] == 404
    assert fetch(body["thumbnail_urls"]["240"])[0] == 404
