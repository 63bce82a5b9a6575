"""Media: the product images and videos a merchant uploads (docs/media.md).

The browser sends the file straight to the media bucket with a presigned POST whose policy S3
enforces: exactly the key issued, exactly the declared Content-Type, a size within the kind's limit.
The function that issues it never sees the bytes. Issuing writes the upload record and the audit
entry in one transaction, so every object under uploads/ is traceable to the staff member who asked
for it.

Once the object lands, S3 invokes the thumbnails function (ObjectCreated on uploads/), which checks
the real bytes (Pillow, in that function only: S3 trusts the declared type; it cannot tell a text
file named .png from a PNG), deletes what is not what was declared, writes the thumbnails and
records here, by a conditional update, what it found. S3 delivers an event at least once: the
record's ``processed_seq`` (the S3 event sequencer) makes a repeated or older event a no-op.

Upload item: PK=UPLOAD#<id> SK=UPLOAD {type="upload", upload_id, kind (image|video), content_type,
max_bytes, declared_size, filename?, key, url, created_by, created_at, status (pending | ready |
rejected), ttl (pending only: a record whose file never came goes away), and once processed:
processed_seq, size, width/height (images), thumbnails {"240": key, "750": key}, reason (rejected)}.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from shop.adapters import clock, config, db, storage
from shop.core import audit
from shop.core.errors import InvalidRequest
from shop.core.models import RequestModel

MB = 1024 * 1024
# what a merchant may upload, by kind: content type -> file extension; size limit
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
VIDEO_TYPES = {"video/mp4": "mp4"}
LIMITS = {"image": 5 * MB, "video": 50 * MB}
TYPES = {"image": IMAGE_TYPES, "video": VIDEO_TYPES}
THUMBNAIL_WIDTHS = (240, 750)  # list cards; the product page at 2x on a 375 pt wide phone
POST_EXPIRES_SECONDS = 600
PENDING_TTL = timedelta(days=1)  # the POST expires after 10 minutes; a record whose file never came is removed

UPLOAD_ID = r"^[a-z2-7]{26}$"
KEY_RE = re.compile(r"^uploads/(?P<yyyy>\d{4})/(?P<mm>\d{2})/(?P<id>[a-z2-7]{26})\.(?P<ext>jpg|png|webp|mp4)$")
PENDING, READY, REJECTED = "pending", "ready", "rejected"


class UploadRequest(RequestModel):
    kind: Literal["image", "video"]
    content_type: str = Field(max_length=100, description="image/jpeg, image/png, image/webp or video/mp4")
    size: int = Field(ge=1, description="bytes; images at most 5 MB, videos at most 50 MB")
    filename: str | None = Field(default=None, max_length=200, description="the merchant's file name, for the record only")

    @model_validator(mode="after")
    def _allowed(self) -> UploadRequest:
        allowed = TYPES[self.kind]
        if self.content_type.lower() not in allowed:
            raise ValueError(f"{self.kind} must be one of {', '.join(allowed)} (不支持的文件类型)")
        self.content_type = self.content_type.lower()
        if self.size > LIMITS[self.kind]:
            raise ValueError(f"{self.kind} must be at most {LIMITS[self.kind] // MB} MB (文件过大)")
        return self


class PresignedPost(BaseModel):
    url: str = Field(description="POST the form here (multipart/form-data)")
    fields: dict[str, str] = Field(description="form fields to send, in this order, before the file field 'file'")


class Upload(BaseModel):
    upload_id: str
    kind: Literal["image", "video"]
    content_type: str
    max_bytes: int
    key: str = Field(description="the object's key in the media bucket")
    url: str = Field(description="where the file is served once uploaded (the CDN)")
    thumbnail_urls: dict[str, str] = Field(
        description="where the thumbnails will be served (width -> URL), once the thumbnails function made them; none for videos")
    post: PresignedPost
    expires_at: str = Field(description="the POST is refused after this time (UTC)")


def bucket() -> str:
    return config.setting("MEDIA_BUCKET")


def public_url(key: str) -> str:
    return f"{config.setting('MEDIA_BASE_URL').rstrip('/')}/{key}"


def thumbnail_key(key: str, width: int) -> str:
    return f"thumbs/{key}_{width}.webp"


def new_key(kind: str, content_type: str, at: datetime) -> tuple[str, str]:
    """(upload id, object key): uploads/<yyyy>/<mm>/<id>.<ext>, the id 128 random bits."""
    upload_id = _random_id()
    return upload_id, f"uploads/{at:%Y}/{at:%m}/{upload_id}.{TYPES[kind][content_type]}"


def _random_id() -> str:
    import base64

    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def _key(upload_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"UPLOAD#{upload_id}"}, "SK": {"S": "UPLOAD"}}


def create_upload(body: UploadRequest, *, merchant: str) -> Upload:
    """A presigned POST for one file, recorded with its audit entry in one transaction."""
    now = clock.now_utc()
    upload_id, key = new_key(body.kind, body.content_type, now)
    max_bytes = LIMITS[body.kind]
    post = storage.presigned_post(bucket(), key, content_type=body.content_type, max_bytes=max_bytes,
                                  expires_in=POST_EXPIRES_SECONDS)
    url = public_url(key)
    thumbs = {str(w): public_url(thumbnail_key(key, w)) for w in THUMBNAIL_WIDTHS} if body.kind == "image" else {}
    record: dict[str, Any] = {
        "type": "upload", "upload_id": upload_id, "kind": body.kind, "content_type": body.content_type,
        "max_bytes": max_bytes, "declared_size": body.size, "key": key, "url": url, "status": PENDING,
        "created_by": merchant, "created_at": clock.iso(now), "ttl": int((now + PENDING_TTL).timestamp()),
    }
    if body.filename:
        record["filename"] = body.filename
    item = {**_key(upload_id), **db.to_item(record)}
    table = db.table()
    after = {k: record[k] for k in ("kind", "content_type", "declared_size", "key", "max_bytes")}
    if body.filename:
        after["filename"] = body.filename
    written = db.transact([
        {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}},
        audit.entry(table, actor=merchant, action="catalog.upload.create", target_type="upload", target_id=upload_id,
                    at=now, after=after),
    ])
    if not written:  # 128 random bits collided: not in this universe, but never overwrite
        raise InvalidRequest("上传编号冲突，请重试", code="upload_conflict")
    expires = now + timedelta(seconds=POST_EXPIRES_SECONDS)
    return Upload(upload_id=upload_id, kind=body.kind, content_type=body.content_type, max_bytes=max_bytes, key=key,
                  url=url, thumbnail_urls=thumbs, post=PresignedPost(url=post["url"], fields=post["fields"]),
                  expires_at=clock.iso(expires))


# ---------------------------------------------------------------- the thumbnails function's side

def parse_key(key: str) -> str | None:
    """The upload id of an object key we issue, or None."""
    m = KEY_RE.match(key)
    return m.group("id") if m else None


def load(upload_id: str) -> dict[str, Any] | None:
    item = db.client().get_item(TableName=db.table(), Key=_key(upload_id), ConsistentRead=True).get("Item")
    return db.from_item(item) if item else None


def sequence(sequencer: str) -> str:
    """S3's sequencer, comparable as text: S3 says compare them as hex numbers of the same length."""
    return sequencer.upper().rjust(32, "0")


def already_processed(record: dict[str, Any], seq: str) -> bool:
    """An event for this object at or before the one already processed (S3 repeats events)."""
    done = record.get("processed_seq")
    return isinstance(done, str) and done >= seq


def record_result(upload_id: str, seq: str, *, status: str, fields: dict[str, Any]) -> bool:
    """Record what the thumbnails function found: True when written; False when this event was
    already handled (a repeated delivery, or an older event after a newer one)."""
    names = {"#status": "status", "#seq": "processed_seq", "#ttl": "ttl"}
    values: dict[str, Any] = {":status": {"S": status}, ":seq": {"S": seq}, ":at": {"S": clock.iso(clock.now_utc())}}
    sets = ["#status = :status", "#seq = :seq", "processed_at = :at"]
    for i, (name, value) in enumerate(sorted(fields.items())):
        names[f"#f{i}"] = name
        values[f":f{i}"] = db.to_value(value)
        sets.append(f"#f{i} = :f{i}")
    return db.update_if(
        Key=_key(upload_id),
        UpdateExpression=f"SET {', '.join(sets)} REMOVE #ttl",
        ConditionExpression="attribute_exists(PK) AND (attribute_not_exists(#seq) OR #seq < :seq)",
        ExpressionAttributeNames=names, ExpressionAttributeValues=values,
    )
