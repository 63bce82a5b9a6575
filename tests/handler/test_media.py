"""Media uploads (docs/media.md): POST /admin/uploads issues a presigned POST; S3 (moto behind the
local stack's S3 front, infra/local/s3events.py, which checks the policy and signature as S3 does)
takes or refuses the file; ThumbnailsFunction, given the event S3 would send, checks the real bytes,
makes the thumbnails and records them, once."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.motoserver import MotoServer
from infra.local.s3events import Created, S3Front, S3Notifications
from infra.local.template import ROOT, Template
from tests.handler.test_buying import merchant_token
from tests.helpers import Api, context, load_function

# the template's own name for the bucket, resolved for a test account and stack (as tests/least_privilege.py
# resolves the roles' resources: the thumbnails role names the bucket by this name, not by a Ref)
TEST_REFS = {"AWS::AccountId": "123456789012", "AWS::Partition": "aws",
             "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/minishop-test/6f1c2e3d-0a1b-4c2d-8e3f-000000000000"}
BUCKET = Template().resolve(Template().resources["MediaBucket"]["Properties"]["BucketName"], TEST_REFS)
BASE = "https://media.example.com"
MB = 1024 * 1024


class Media:
    def __init__(self, server: MotoServer, created: list[Created], notifications: S3Notifications) -> None:
        self.server, self.created, self.notifications = server, created, notifications

    def event_for(self, key: str) -> dict[str, Any]:
        """The S3 event of the latest object stored at ``key``, as S3 would send it."""
        found = [c for c in self.created if c.key == key]
        assert found, f"nothing was stored at {key}"
        return {"Records": [self.notifications.record(found[-1], "Uploaded")]}

    def thumbnails(self, event: dict[str, Any]) -> dict[str, Any]:
        return load_function("ThumbnailsFunction").lambda_handler(event, context("ThumbnailsFunction"))


@pytest.fixture
def media(aws: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Media]:
    """moto in server mode with the S3 front, sharing the in-process moto's backends; every AWS call
    of the functions goes through it (one request at a time, as the local stack serves them)."""
    from shop.adapters import aws as aws_clients
    from shop.adapters import storage

    import os

    created: list[Created] = []
    secrets = {os.environ["AWS_ACCESS_KEY_ID"]: os.environ["AWS_SECRET_ACCESS_KEY"]}  # mock_aws sets its own
    server = MotoServer(wrap=lambda app: S3Front(app, secrets=secrets, on_created=created.append)).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    monkeypatch.setenv("MEDIA_BUCKET", BUCKET)
    monkeypatch.setenv("MEDIA_BASE_URL", BASE)
    aws_clients.reset()
    storage.client().create_bucket(Bucket=BUCKET)

    class Spec:  # the template's event source, for the record S3 sends
        s3: list[Any] = []
        logical_id = "ThumbnailsFunction"

    yield Media(server, created, S3Notifications([Spec()], {}, lambda *_: None))
    aws_clients.reset()
    server.stop()


@pytest.fixture
def owner() -> str:
    return merchant_token("media-owner", role="owner")


def post_form(url: str, fields: dict[str, str], data: bytes, *, filename: str = "photo") -> tuple[int, str]:
    """What a browser's form POST sends: the fields, then the file."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(url, data=b"".join(parts), method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - the local moto
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def image(fmt: str, size: tuple[int, int] = (1200, 800)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, format=fmt)
    return buffer.getvalue()


def mp4() -> bytes:
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 2000


def create(api: Api, token: str, kind: str, content_type: str, size: int, **extra: Any) -> Any:
    return api.post("/admin/uploads", {"kind": kind, "content_type": content_type, "size": size, **extra}, token=token)


def upload(api: Api, token: str, media: Media, data: bytes, content_type: str = "image/png", kind: str = "image") -> dict[str, Any]:
    reply = create(api, token, kind, content_type, len(data))
    assert reply.status == 201, reply.text
    body = reply.json
    status, text = post_form(body["post"]["url"], body["post"]["fields"], data)
    assert status == 204, text
    return body


def record(upload_id: str) -> dict[str, Any]:
    from shop.catalog import media

    found = media.load(upload_id)
    assert found is not None
    return found


def exists(key: str) -> bool:
    from shop.adapters import storage

    return storage.head(BUCKET, key) is not None


# ---------------------------------------------------------------- issuing the POST

@pytest.mark.parametrize(("kind", "content_type", "ext", "limit"), [
    ("image", "image/jpeg", "jpg", 5 * MB), ("image", "image/png", "png", 5 * MB), ("image", "image/webp", "webp", 5 * MB),
    ("video", "video/mp4", "mp4", 50 * MB)])
def test_a_presigned_post_for_each_kind_fixes_key_type_and_size(
        api: Api, media: Media, owner: str, kind: str, content_type: str, ext: str, limit: int) -> None:
    from shop.adapters import db

    reply = create(api, owner, kind, content_type, 12345, filename="主图.png")
    assert reply.status == 201, reply.text
    body = reply.json
    m = re.fullmatch(rf"uploads/(\d{{4}})/(\d{{2}})/([a-z2-7]{{26}})\.{ext}", body["key"])
    assert m and m.group(3) == body["upload_id"]
    assert body["url"] == f"{BASE}/{body['key']}"
    if kind == "image":
        assert body["thumbnail_urls"] == {w: f"{BASE}/thumbs/{body['key']}_{w}.webp" for w in ("240", "750")}
    else:
        assert body["thumbnail_urls"] == {}
    assert body["post"]["url"] == f"{media.server.url}/{BUCKET}"
    fields = body["post"]["fields"]
    assert fields["key"] == body["key"] and fields["Content-Type"] == content_type
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert {"Content-Type": content_type} in policy["conditions"]
    assert ["content-length-range", 1, limit] in policy["conditions"]
    assert {"key": body["key"]} in policy["conditions"] and {"bucket": BUCKET} in policy["conditions"]
    # the record and its audit entry: who asked for which file
    item = record(body["upload_id"])
    assert (item["status"], item["created_by"], item["content_type"], item["filename"]) == (
        "pending", "media-owner", content_type, "主图.png")
    entries = [db.from_item(i) for i in db.client().scan(TableName=db.table())["Items"]
               if i.get("type", {}).get("S") == "audit" and i["target_id"]["S"] == body["upload_id"]]
    assert len(entries) == 1
    assert (entries[0]["actor"], entries[0]["action"]) == ("media-owner", "catalog.upload.create")
    assert json.loads(entries[0]["after"])["key"] == body["key"]


@pytest.mark.parametrize(("kind", "content_type", "size"), [
    ("image", "image/gif", 1000), ("image", "image/svg+xml", 1000), ("image", "video/mp4", 1000),
    ("video", "video/quicktime", 1000), ("video", "image/png", 1000), ("image", "image/png", 5 * MB + 1),
    ("video", "video/mp4", 50 * MB + 1), ("image", "image/png", 0), ("audio", "audio/mpeg", 1000)])
def test_a_type_or_size_outside_the_limits_is_refused_and_nothing_is_recorded(
        api: Api, media: Media, owner: str, kind: str, content_type: str, size: int) -> None:
    from shop.adapters import db

    reply = create(api, owner, kind, content_type, size)
    assert (reply.status, reply.error_code) == (400, "invalid_request"), reply.text
    assert not [i for i in db.client().scan(TableName=db.table())["Items"] if i.get("type", {}).get("S") in ("upload", "audit")]


def test_unknown_fields_and_markup_in_the_file_name_are_refused(api: Api, media: Media, owner: str) -> None:
    assert create(api, owner, "image", "image/png", 10, acl="public-read").status == 400
    assert create(api, owner, "image", "image/png", 10, filename="<script>.png").status == 400


@pytest.mark.usefixtures("wechat")
def test_only_roles_that_write_the_catalog_may_upload_and_a_shopper_may_not(api: Api, media: Media) -> None:
    from shop.staff.roles import CATALOG_WRITE, ROLES
    from tests.helpers import login

    for role, permissions in ROLES.items():
        reply = create(api, merchant_token(f"media-{role}", role=role), "image", "image/png", 100)
        assert reply.status == (201 if CATALOG_WRITE in permissions else 403), (role, reply.text)
    assert create(api, login(api, "media-shopper"), "image", "image/png", 100).status == 401
    assert api.post("/admin/uploads", {"kind": "image", "content_type": "image/png", "size": 100}).status == 401


# ---------------------------------------------------------------- S3 enforces the policy

def test_s3_takes_the_declared_file_and_refuses_a_bigger_one_another_type_or_another_key(
        api: Api, media: Media, owner: str) -> None:
    reply = create(api, owner, "image", "image/png", 1000)
    post = reply.json["post"]
    key = reply.json["key"]
    too_big = b"\x89PNG" + b"\x00" * (5 * MB)
    status, text = post_form(post["url"], post["fields"], too_big)
    assert (status, "EntityTooLarge") == (400, re.search(r"<Code>(\w+)</Code>", text).group(1))
    status, text = post_form(post["url"], post["fields"], b"")
    assert status == 400 and "EntityTooSmall" in text
    status, text = post_form(post["url"], {**post["fields"], "Content-Type": "text/html"}, b"<html>")
    assert status == 403 and "Policy Condition failed" in text
    status, text = post_form(post["url"], {**post["fields"], "key": "uploads/2026/01/other.png"}, b"x")
    assert status == 403 and "Policy Condition failed" in text
    status, text = post_form(post["url"], {**post["fields"], "acl": "public-read"}, b"x")
    assert status == 403 and "Extra input fields: acl" in text
    # a policy rewritten to allow more no longer matches its signature
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    policy["conditions"] = [["content-length-range", 1, 500 * MB] if isinstance(c, list) else c for c in policy["conditions"]]
    forged = base64.b64encode(json.dumps(policy).encode()).decode()
    status, text = post_form(post["url"], {**post["fields"], "policy": forged}, too_big)
    assert status == 403 and "SignatureDoesNotMatch" in text
    assert not exists(key)
    status, text = post_form(post["url"], post["fields"], image("PNG", (10, 10)))
    assert status == 204, text
    from shop.adapters import storage

    assert storage.head(BUCKET, key)["ContentType"] == "image/png"


# ---------------------------------------------------------------- thumbnails

@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_a_real_image_gets_its_thumbnails_and_the_record_says_so(
        api: Api, media: Media, owner: str, fmt: str, content_type: str) -> None:
    from PIL import Image

    from shop.adapters import storage

    body = upload(api, owner, media, image(fmt), content_type)
    assert media.thumbnails(media.event_for(body["key"])) == {"results": ["ready"]}
    item = record(body["upload_id"])
    assert (item["status"], item["width"], item["height"]) == ("ready", 1200, 800)
    assert "ttl" not in item  # a processed upload stays
    for width, url in body["thumbnail_urls"].items():
        key = url.removeprefix(f"{BASE}/")
        assert item["thumbnails"][width] == key
        head = storage.head(BUCKET, key)
        assert head["ContentType"] == "image/webp" and "immutable" in head["CacheControl"]
        thumb = Image.open(io.BytesIO(storage.get(BUCKET, key)))
        assert (thumb.format, thumb.width, thumb.height) == ("WEBP", int(width), round(800 * int(width) / 1200))
    assert exists(body["key"])


def test_a_small_image_is_not_enlarged(api: Api, media: Media, owner: str) -> None:
    from PIL import Image

    from shop.adapters import storage

    body = upload(api, owner, media, image("PNG", (100, 50)))
    media.thumbnails(media.event_for(body["key"]))
    for key in record(body["upload_id"])["thumbnails"].values():
        assert Image.open(io.BytesIO(storage.get(BUCKET, key))).size == (100, 50)


@pytest.mark.parametrize(("data", "declared"), [
    (b"just some text, named photo.png", "image/png"),
    (image("PNG"), "image/jpeg"),  # a real image, but not the type the policy was signed for
    (image("PNG")[:200], "image/png"),  # a truncated file
])
def test_a_file_that_is_not_the_declared_image_is_refused_and_removed(
        api: Api, media: Media, owner: str, data: bytes, declared: str) -> None:
    body = upload(api, owner, media, data, declared)  # S3 cannot tell: the policy checks declarations
    assert media.thumbnails(media.event_for(body["key"])) == {"results": ["rejected"]}
    item = record(body["upload_id"])
    assert item["status"] == "rejected" and item["reason"]
    assert not exists(body["key"])
    assert not [c for c in media.created if c.key.startswith("thumbs/")]


def test_an_mp4_is_recorded_and_a_fake_one_removed(api: Api, media: Media, owner: str) -> None:
    good = upload(api, owner, media, mp4(), "video/mp4", kind="video")
    assert media.thumbnails(media.event_for(good["key"])) == {"results": ["ready"]}
    assert record(good["upload_id"])["status"] == "ready" and exists(good["key"])
    fake = upload(api, owner, media, b"MZ\x90\x00 not a video" * 10, "video/mp4", kind="video")
    assert media.thumbnails(media.event_for(fake["key"])) == {"results": ["rejected"]}
    assert not exists(fake["key"])


def test_an_object_nobody_issued_a_post_for_is_removed(media: Media) -> None:
    from shop.adapters import storage

    key = "uploads/2026/01/aaaaaaaaaaaaaaaaaaaaaaaaaa.png"
    storage.put(BUCKET, key, image("PNG"), content_type="image/png")
    assert media.thumbnails(media.event_for(key)) == {"results": ["unknown"]}
    assert not exists(key)


def test_a_repeated_event_changes_nothing_even_when_both_copies_arrive_at_once(
        api: Api, media: Media, owner: str, serialized_dynamodb: None) -> None:
    body = upload(api, owner, media, image("JPEG"), "image/jpeg")
    event = media.event_for(body["key"])
    results: list[Any] = []

    def deliver() -> None:
        results.extend(media.thumbnails(event)["results"])

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["duplicate", "ready"]  # the conditional update lets one through
    first = record(body["upload_id"])
    puts = len([c for c in media.created if c.key.startswith("thumbs/")])
    assert media.thumbnails(event) == {"results": ["duplicate"]}  # once recorded, the work is skipped
    assert record(body["upload_id"]) == first
    assert len([c for c in media.created if c.key.startswith("thumbs/")]) == puts


def test_a_new_file_posted_again_to_the_same_key_is_checked_again(api: Api, media: Media, owner: str) -> None:
    body = upload(api, owner, media, image("PNG"))
    media.thumbnails(media.event_for(body["key"]))
    assert record(body["upload_id"])["status"] == "ready"
    # the POST is valid for ten minutes: a second file to the same key is a new event, judged anew
    status, _ = post_form(body["post"]["url"], body["post"]["fields"], b"not an image at all")
    assert status == 204
    assert media.thumbnails(media.event_for(body["key"])) == {"results": ["rejected"]}
    assert record(body["upload_id"])["status"] == "rejected" and not exists(body["key"])


# ---------------------------------------------------------------- cold start

def test_the_upload_function_imports_neither_pillow_nor_boto3() -> None:
    code = ("import sys, os; sys.path[0:0] = [os.environ['TASK'], os.environ['LAYER']]; import app; "
            "print(sorted(m for m in ('PIL', 'boto3', 's3transfer') if m in sys.modules))")
    env = {"TASK": str(ROOT / "functions/admin/create_upload"), "LAYER": str(ROOT / "layers/shop"),
           "PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1", "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_pillow_is_in_the_thumbnails_function_only() -> None:
    for requirements in ROOT.glob("functions/*/*/requirements.txt"):
        names = requirements.read_text().lower()
        assert ("pillow" in names) == (requirements.parent.name == "thumbnails"), requirements
    assert "pillow" not in (ROOT / "layers/shop/requirements.txt").read_text().lower()
    for source in (ROOT / "layers/shop/shop").rglob("*.py"):
        assert "PIL" not in re.findall(r"^\s*(?:from|import) (\w+)", source.read_text(), re.M), source
