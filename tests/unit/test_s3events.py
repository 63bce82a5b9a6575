"""The local stack's S3 (infra/local/s3events.py): POST policies checked as S3 checks them, and the
template's S3 events delivered to their functions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from typing import Any

import pytest

from infra.local.s3events import Created, PolicyRefused, S3Notifications, _signing_key, check_post
from infra.local.template import S3Source, Template

SECRETS = {"AKIDLOCAL": "local-secret"}


def signed(conditions: list[Any], *, expires_in: float = 600, secret: str = "local-secret",
           extra: dict[str, str] | None = None) -> dict[str, str]:
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + expires_in))
    policy = base64.b64encode(json.dumps({"expiration": expiration, "conditions": conditions}).encode()).decode()
    signature = hmac.new(_signing_key(secret, "20261202", "us-east-1", "s3"), policy.encode(), hashlib.sha256).hexdigest()
    return {"key": "uploads/a.png", "Content-Type": "image/png", "x-amz-algorithm": "AWS4-HMAC-SHA256",
            "x-amz-credential": "AKIDLOCAL/20261202/us-east-1/s3/aws4_request", "x-amz-date": "20261202T000000Z",
            "policy": policy, "x-amz-signature": signature, **(extra or {})}


CONDITIONS = [{"bucket": "media"}, {"key": "uploads/a.png"}, {"Content-Type": "image/png"},
              ["content-length-range", 1, 100], {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
              {"x-amz-credential": "AKIDLOCAL/20261202/us-east-1/s3/aws4_request"}, {"x-amz-date": "20261202T000000Z"}]


def refusal(fields: dict[str, str], size: int = 10, bucket: str = "media") -> tuple[int, str]:
    with pytest.raises(PolicyRefused) as refused:
        check_post(bucket, fields, size, SECRETS)
    return refused.value.status, refused.value.code


def test_a_post_within_its_policy_is_accepted() -> None:
    check_post("media", signed(CONDITIONS), 100, SECRETS)
    check_post("media", signed([*CONDITIONS[:2], ["starts-with", "$Content-Type", "image/"], *CONDITIONS[3:]]), 1, SECRETS)


def test_what_s3_refuses_is_refused_with_its_status_and_code() -> None:
    assert refusal(signed(CONDITIONS), size=101) == (400, "EntityTooLarge")
    assert refusal(signed(CONDITIONS), size=0) == (400, "EntityTooSmall")
    assert refusal({**signed(CONDITIONS), "Content-Type": "text/html"}) == (403, "AccessDenied")
    assert refusal(signed(CONDITIONS), bucket="other") == (403, "AccessDenied")
    assert refusal(signed(CONDITIONS, expires_in=-1)) == (403, "AccessDenied")
    assert refusal(signed(CONDITIONS, extra={"acl": "public-read"})) == (403, "AccessDenied")  # not in the policy
    assert refusal(signed(CONDITIONS, secret="guessed")) == (403, "SignatureDoesNotMatch")
    assert refusal({**signed(CONDITIONS), "x-amz-credential": "NOBODY/20261202/us-east-1/s3/aws4_request"}) == (
        403, "InvalidAccessKeyId")
    no_policy = {k: v for k, v in signed(CONDITIONS).items() if k != "policy"}
    assert refusal(no_policy) == (403, "AccessDenied")
    # x-ignore-* fields need no condition, as in S3
    check_post("media", signed(CONDITIONS, extra={"x-ignore-note": "anything"}), 5, SECRETS)


def _spec(*sources: S3Source) -> Any:
    class Spec:
        logical_id = "ThumbnailsFunction"
        s3 = list(sources)

    return Spec()


def test_the_template_s_s3_event_is_read_for_the_local_stack(template: Template) -> None:
    (fn,) = [f for f in template.functions() if f.s3]
    assert fn.logical_id == "ThumbnailsFunction"
    assert fn.s3 == [S3Source("Uploaded", "MediaBucket", ("s3:ObjectCreated:*",), "uploads/", "")]
    assert template.resources["MediaBucket"]["Type"] == "AWS::S3::Bucket"  # SAM: the bucket is in this template


def test_events_go_to_the_function_whose_bucket_prefix_and_event_type_match() -> None:
    got: list[tuple[str, dict[str, Any]]] = []
    source = S3Source("Uploaded", "MediaBucket", ("s3:ObjectCreated:*",), "uploads/", ".png")
    notes = S3Notifications([_spec(source)], {"MediaBucket": "local-media"}, lambda f, e: got.append((f, e))).start()
    notes(Created("local-media", "uploads/2026/12/a b.png", 3, "etag", "Post", "127.0.0.1"))
    notes(Created("local-media", "thumbs/uploads/x.png_240.webp", 3, "etag", "Put", "127.0.0.1"))
    notes(Created("local-media", "uploads/x.jpg", 3, "etag", "Put", "127.0.0.1"))
    notes(Created("other-bucket", "uploads/x.png", 3, "etag", "Put", "127.0.0.1"))
    assert notes.drain(10)
    notes.stop()
    assert [f for f, _ in got] == ["ThumbnailsFunction"]
    record = got[0][1]["Records"][0]
    assert record["eventName"] == "ObjectCreated:Post" and record["eventSource"] == "aws:s3"
    assert record["s3"]["bucket"]["name"] == "local-media"
    assert record["s3"]["object"]["key"] == "uploads/2026/12/a+b.png"  # URL-encoded, as S3 sends keys
    assert record["s3"]["configurationId"] == "Uploaded"


def test_a_failing_invocation_is_retried_twice_then_set_aside_and_sequencers_grow() -> None:
    calls: list[str] = []
    lock = threading.Lock()

    def invoke(function: str, event: dict[str, Any]) -> None:
        with lock:
            calls.append(event["Records"][0]["s3"]["object"]["sequencer"])
        raise RuntimeError("boom")

    source = S3Source("Uploaded", "MediaBucket", ("s3:ObjectCreated:*",), "uploads/")
    notes = S3Notifications([_spec(source)], {"MediaBucket": "b"}, invoke, retry_delay=0.01).start(workers=1)
    notes(Created("b", "uploads/1.png", 1, "e", "Put", "127.0.0.1"))
    notes(Created("b", "uploads/2.png", 1, "e", "Put", "127.0.0.1"))
    assert notes.drain(10)
    notes.stop()
    assert len(calls) == 6 and len(notes.failed) == 2
    first, second = {calls[0]}, {calls[3]}
    assert len(set(calls[:3]) | first) == 1  # a retry is the same event
    assert max(second) > max(first)  # a later object's sequencer sorts after an earlier one's


def test_the_shop_s_presigned_post_is_one_s3_accepts_and_names_the_regional_endpoint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.adapters import aws, storage

    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLOCAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token")
    for region, url in (("ap-east-1", "https://media.s3.ap-east-1.amazonaws.com"),
                        ("cn-north-1", "https://media.s3.cn-north-1.amazonaws.com.cn")):
        monkeypatch.setenv("AWS_REGION", region)
        aws.reset()
        post = storage.presigned_post("media", "uploads/a.png", content_type="image/png", max_bytes=100)
        assert post["url"] == url
        assert post["fields"]["x-amz-security-token"] == "session-token"
        check_post("media", post["fields"], 100, SECRETS)
        assert pytest.raises(PolicyRefused, check_post, "media", post["fields"], 101, SECRETS).value.code == "EntityTooLarge"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:3200/")
    assert storage.presigned_post("media", "k", content_type="image/png", max_bytes=1)["url"] == "http://127.0.0.1:3200/media"
    aws.reset()
