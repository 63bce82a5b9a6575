"""Thumbnails - S3 ObjectCreated on uploads/ of the media bucket (docs/media.md): checks what the
bytes really are against what the merchant declared (type and size), deletes what does not match,
writes WebP thumbnails of images under thumbs/ and records the result on the upload item, by a
conditional update that makes a repeated event a no-op. Videos are checked (size, type, an MP4
header) and recorded; they are not transcoded and get no poster frame."""

from typing import Any
from urllib.parse import unquote_plus

import thumbnailer

from shop.adapters import storage
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.catalog import media

CACHE = "public, max-age=31536000, immutable"  # a thumbnail's key changes whenever its upload does


def _reject(bucket: str, key: str, upload_id: str, seq: str, reason: str) -> str:
    logger.warning("upload refused", extra={"key": key, "reason": reason})
    metrics.add_metric(name="UploadRefused", unit=MetricUnit.Count, value=1)
    media.record_result(upload_id, seq, status=media.REJECTED, fields={"reason": reason})
    storage.delete(bucket, key)
    return "rejected"


def handle(bucket: str, key: str, sequencer: str) -> str:
    upload_id = media.parse_key(key)
    record = media.load(upload_id) if upload_id else None
    if record is None or record["key"] != key:
        # only presigned POSTs write under uploads/, each for a recorded key: anything else goes
        logger.warning("object without an upload record deleted", extra={"key": key})
        storage.delete(bucket, key)
        return "unknown"
    seq = media.sequence(sequencer)
    if media.already_processed(record, seq):
        if record.get("status") == media.REJECTED:
            storage.delete(bucket, key)  # idempotent: a run that failed between recording and deleting
        return "duplicate"
    head = storage.head(bucket, key)
    if head is None:
        return "gone"  # overwritten and deleted since; a later event (or none) tells the rest
    size, content_type = int(head["ContentLength"]), str(head.get("ContentType", "")).lower()
    if not 1 <= size <= int(record["max_bytes"]):
        return _reject(bucket, key, upload_id, seq, f"size {size} is outside 1..{record['max_bytes']}")
    if content_type != record["content_type"]:
        return _reject(bucket, key, upload_id, seq, f"stored as {content_type or 'no type'}, declared {record['content_type']}")
    if record["kind"] == "video":
        head_bytes = storage.get_range(bucket, key, 0, 11)
        if head_bytes[4:8] != b"ftyp":
            return _reject(bucket, key, upload_id, seq, "not an MP4 file")
        media.record_result(upload_id, seq, status=media.READY, fields={"size": size})
        return "ready"
    data = storage.get(bucket, key)
    try:
        found = thumbnailer.inspect(data, max(media.THUMBNAIL_WIDTHS))
    except thumbnailer.NotAnImage as exc:
        return _reject(bucket, key, upload_id, seq, str(exc))
    if found.content_type != record["content_type"]:
        return _reject(bucket, key, upload_id, seq, f"the file is {found.content_type}, declared {record['content_type']}")
    # keys, not URLs: the CDN's domain is not this function's to know (the bucket that triggers it is
    # the distribution's origin); POST /admin/uploads gave the URLs already
    thumbs = {}
    for width, webp in thumbnailer.thumbnails(found, media.THUMBNAIL_WIDTHS).items():
        thumbs[str(width)] = media.thumbnail_key(key, width)
        storage.put(bucket, thumbs[str(width)], webp, content_type="image/webp", cache_control=CACHE)
    written = media.record_result(upload_id, seq, status=media.READY, fields={
        "size": size, "width": found.width, "height": found.height, "thumbnails": thumbs})
    if written:
        metrics.add_metric(name="ThumbnailsMade", unit=MetricUnit.Count, value=len(thumbs))
    return "ready" if written else "duplicate"


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, list[str]]:
    results = []
    for record in event.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        results.append(handle(s3["bucket"]["name"], unquote_plus(s3["object"]["key"]), s3["object"].get("sequencer", "0")))
    return {"results": results}
