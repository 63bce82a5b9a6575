"""Bench samples of media uploads (bench/common.py SAMPLES, "back office: media"): an S3 event for a
freshly uploaded image, as S3 sends it to ThumbnailsFunction."""

from __future__ import annotations

import io
import os
from typing import Any


def _media_environment(world: Any) -> None:
    spec = next(f for f in world.stack.template.functions() if f.logical_id == "CreateUploadFunction")
    env = world.stack.function_environment(spec)
    os.environ["MEDIA_BUCKET"], os.environ["MEDIA_BASE_URL"] = env["MEDIA_BUCKET"], env["MEDIA_BASE_URL"]


def thumbnail_event(world: Any) -> dict[str, Any]:
    """A 1600 x 1200 JPEG (a phone photo's shape), uploaded now with its record; the S3 event of it."""
    from PIL import Image

    from infra.local.s3events import Created
    from shop.adapters import storage
    from shop.catalog import media

    _media_environment(world)
    buffer = io.BytesIO()
    Image.radial_gradient("L").resize((1600, 1200)).convert("RGB").save(buffer, format="JPEG", quality=85)
    data = buffer.getvalue()
    upload = media.create_upload(media.UploadRequest(kind="image", content_type="image/jpeg", size=len(data)),
                                 merchant="bench-merchant")
    storage.put(media.bucket(), upload.key, data, content_type="image/jpeg")
    head = storage.head(media.bucket(), upload.key)
    created = Created(media.bucket(), upload.key, len(data), str(head["ETag"]).strip('"'), "Post", "127.0.0.1")
    assert world.stack.s3_events is not None
    return {"Records": [world.stack.s3_events.record(created, "Uploaded")]}
