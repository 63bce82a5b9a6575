"""Object storage (S3): uploads the browser sends straight to the bucket (presigned POST, the policy
enforcing type and size), files the functions write (exports, thumbnails) and links to read them.

Buckets are configuration (MEDIA_BUCKET, EXPORTS_BUCKET, ...); the endpoint too (AWS_ENDPOINT_URL),
which is how the local stack points this at moto. Public media is read through MEDIA_BASE_URL (the
CDN in AWS, the local stack's media route in dev), never through the bucket directly.
"""

from __future__ import annotations

from typing import Any

from shop.adapters import aws


_clients: dict[int, tuple[Any, Any]] = {}


def client() -> Any:
    """The S3 client, on the process's one botocore session (shop.adapters.aws), signing with
    SigV4: presigned POSTs are SigV4 documents (x-amz-algorithm, x-amz-credential, x-amz-signature)
    in every region, the China regions included, never the deprecated SigV2 form."""
    session = aws._session()
    cached = _clients.get(id(session))
    if cached is None or cached[0] is not session:
        from botocore.config import Config

        s3 = session.create_client("s3", config=Config(
            signature_version="s3v4", connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3}))
        _clients.clear()
        _clients[id(session)] = cached = (session, s3)
    return cached[1]


def presigned_post(bucket: str, key: str, *, content_type: str, max_bytes: int, expires_in: int = 600,
                   min_bytes: int = 1) -> dict[str, Any]:
    """{"url", "fields"} for a browser form POST of exactly one object at ``key`` whose Content-Type is
    ``content_type`` and whose size is within [min_bytes, max_bytes]: S3 refuses anything else.

    Signed here (SigV4 over the base64 policy, as S3 documents for browser POSTs) with the
    function's credentials, rather than by botocore's S3 client: creating that client loads S3's
    service model and endpoint rules, about 150 ms of the upload function's cold start, for a few
    HMACs. The local stack's S3 front (infra/local/s3events.py) checks these signatures and policies
    as S3 does, so the tests exercise this code against a verifier."""
    import base64
    import hashlib
    import hmac
    import json
    import os
    from datetime import UTC, datetime, timedelta

    credentials = aws._session().get_credentials().get_frozen_credentials()
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    now = datetime.now(UTC)
    date = now.strftime("%Y%m%d")
    credential = f"{credentials.access_key}/{date}/{region}/s3/aws4_request"
    fields = {"key": key, "Content-Type": content_type, "x-amz-algorithm": "AWS4-HMAC-SHA256",
              "x-amz-credential": credential, "x-amz-date": now.strftime("%Y%m%dT%H%M%SZ")}
    if credentials.token:
        fields["x-amz-security-token"] = credentials.token
    expiration = (now + timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    conditions: list[Any] = [{"bucket": bucket}, ["content-length-range", min_bytes, max_bytes]]
    conditions += [{name: value} for name, value in fields.items()]
    policy = base64.b64encode(json.dumps({"expiration": expiration, "conditions": conditions}).encode()).decode()
    signing_key = ("AWS4" + credentials.secret_key).encode()
    for part in (date, region, "s3", "aws4_request"):
        signing_key = hmac.new(signing_key, part.encode(), hashlib.sha256).digest()
    fields["policy"] = policy
    fields["x-amz-signature"] = hmac.new(signing_key, policy.encode(), hashlib.sha256).hexdigest()
    return {"url": _bucket_url(bucket, region), "fields": fields}


def _bucket_url(bucket: str, region: str) -> str:
    """Where a browser POSTs: the configured endpoint (path style: the local stack), else the
    bucket's regional virtual-hosted endpoint (amazonaws.com.cn in the China regions)."""
    import os

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        return f"{endpoint.rstrip('/')}/{bucket}"
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{bucket}.s3.{region}.{suffix}"


def presigned_get(bucket: str, key: str, *, expires_in: int = 900, filename: str | None = None) -> str:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
    return client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)


def put(bucket: str, key: str, body: bytes, *, content_type: str, cache_control: str | None = None) -> None:
    extra = {"CacheControl": cache_control} if cache_control else {}
    client().put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, **extra)


def get(bucket: str, key: str) -> bytes:
    return client().get_object(Bucket=bucket, Key=key)["Body"].read()


def get_range(bucket: str, key: str, first: int, last: int) -> bytes:
    """Bytes ``first``..``last`` (inclusive) of the object: its head, without downloading it all."""
    return client().get_object(Bucket=bucket, Key=key, Range=f"bytes={first}-{last}")["Body"].read()


def delete(bucket: str, key: str) -> None:
    """Delete the object; deleting one that is not there is not an error (S3 answers 204 alike)."""
    client().delete_object(Bucket=bucket, Key=key)


def head(bucket: str, key: str) -> dict[str, Any] | None:
    """The object's metadata, or None when there is no such object."""
    try:
        return client().head_object(Bucket=bucket, Key=key)
    except client().exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
