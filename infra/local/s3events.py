"""S3 as the local stack needs it, in front of moto's S3 (which stores what it is sent and checks
neither a browser POST's policy nor its signature, and in server mode delivers no event
notification to a Lambda function):

- ``S3Front`` wraps moto's WSGI app. A browser form upload (POST multipart/form-data to
  ``/<bucket>``, path style, as a presigned POST against a local endpoint gives it) has its SigV4
  signature and its policy checked as S3 does - expiration, every condition (exact match, ``eq``,
  ``starts-with``, ``content-length-range``), no form field the policy does not cover - and is
  refused with S3's error document otherwise (403 AccessDenied ``Invalid according to Policy``,
  400 EntityTooLarge / EntityTooSmall, 403 SignatureDoesNotMatch). After moto stored an object
  (form POST, PutObject, CopyObject, CompleteMultipartUpload) it reports an ObjectCreated event.
- ``S3Notifications`` turns those into the S3 event notifications template.yaml gives its functions
  (SAM ``Type: S3`` events: the bucket, the event types, the key's prefix / suffix filter) and
  invokes each function asynchronously, as S3 does, with Lambda's retries of a failed async
  invocation (two more attempts). ``drain()`` waits until every event so far was handled.

Only path-style requests are recognised (the local endpoint is an IP address: botocore uses path
style for it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import quote_plus, unquote

from infra.local.template import S3Source

ACCOUNT_ID = "123456789012"
# form fields that need no condition (AWS: the signature, the policy itself, the file, x-ignore-*)
UNCHECKED = {"x-amz-signature", "policy", "file"}


@dataclass(frozen=True)
class Created:
    bucket: str
    key: str
    size: int
    etag: str
    event: str  # Post, Put, Copy, CompleteMultipartUpload
    source_ip: str


class PolicyRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error_document(status: int, code: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>").encode()
    return f"{status} {'Forbidden' if status == 403 else 'Bad Request'}", [
        ("Content-Type", "application/xml"), ("Content-Length", str(len(body)))], body


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def check_post(bucket: str, fields: dict[str, str], size: int, secrets: dict[str, str], now: float | None = None) -> None:
    """Raise PolicyRefused unless S3 would accept this form POST of a file of ``size`` bytes."""
    lower = {k.lower(): v for k, v in fields.items()}
    policy_b64 = lower.get("policy")
    if not policy_b64:
        raise PolicyRefused(403, "AccessDenied", "Bucket POST must contain a field named 'policy'.")
    credential = lower.get("x-amz-credential", "")
    parts = credential.split("/")
    if lower.get("x-amz-algorithm") != "AWS4-HMAC-SHA256" or len(parts) != 5:
        raise PolicyRefused(400, "InvalidArgument", "POST requires x-amz-algorithm AWS4-HMAC-SHA256 and x-amz-credential.")
    access_key, date, region, service, _ = parts
    secret = secrets.get(access_key)
    if secret is None:
        raise PolicyRefused(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    expected = hmac.new(_signing_key(secret, date, region, service), policy_b64.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, lower.get("x-amz-signature", "")):
        raise PolicyRefused(403, "SignatureDoesNotMatch",
                            "The request signature we calculated does not match the signature you provided.")
    try:
        policy = json.loads(base64.b64decode(policy_b64))
        expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
        conditions = policy["conditions"]
    except (ValueError, KeyError, TypeError):
        raise PolicyRefused(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.") from None
    if expiration.timestamp() <= (now if now is not None else time.time()):
        raise PolicyRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {**lower, "bucket": bucket}
    covered = {"bucket"}
    for condition in conditions:
        if isinstance(condition, dict):
            ((name, wanted),) = condition.items()
            op, name = "eq", name.lower()
        elif isinstance(condition, list) and condition and str(condition[0]).lower() == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if size > high:
                raise PolicyRefused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            if size < low:
                raise PolicyRefused(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
            continue
        elif isinstance(condition, list) and len(condition) == 3:
            op, name, wanted = str(condition[0]).lower(), str(condition[1]).lstrip("$").lower(), condition[2]
        else:
            raise PolicyRefused(400, "InvalidPolicyDocument", f"Invalid Policy: Invalid Condition: {condition!r}")
        covered.add(name)
        actual = values.get(name, "")
        ok = actual == wanted if op == "eq" else actual.startswith(str(wanted)) if op == "starts-with" else False
        if not ok:
            raise PolicyRefused(403, "AccessDenied",
                                f'Invalid according to Policy: Policy Condition failed: ["{op}", "${name}", "{wanted}"]')
    extra = sorted(k for k in lower if k not in covered and k not in UNCHECKED and not k.startswith("x-ignore-"))
    if extra:
        raise PolicyRefused(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")


def _form(environ: dict[str, Any], body: bytes) -> tuple[dict[str, str], bytes | None]:
    from werkzeug.formparser import parse_form_data

    env = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    _, form, files = parse_form_data(env)
    file = files.get("file")
    return {k: form[k] for k in form}, (file.read() if file is not None else None)


class S3Front:
    """WSGI middleware over moto's app: POST policies enforced, created objects reported."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *, secrets: dict[str, str],
                 on_created: Callable[[Created], None] | None = None, cdn_buckets: Iterable[str] = ()) -> None:
        """``cdn_buckets``: buckets a CloudFront distribution serves in AWS; here an unsigned GET or
        HEAD of ``/<bucket>/<key>`` is answered from the bucket as the distribution would (moto
        itself refuses anonymous reads of a private bucket)."""
        self.app, self.secrets, self.on_created = app, secrets, on_created
        self.cdn_buckets = set(cdn_buckets)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "")
        path = unquote(environ.get("PATH_INFO", ""))
        segments = path.lstrip("/").split("/", 1)
        bucket, key = segments[0], (segments[1] if len(segments) > 1 else "")
        is_s3 = self._is_s3(environ)
        form_post = (method == "POST" and bucket and not key and is_s3
                     and environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"))
        created: tuple[str, str] | None = None
        if method in ("GET", "HEAD") and bucket in self.cdn_buckets and key and not environ.get("HTTP_AUTHORIZATION") \
                and "X-Amz-Signature" not in environ.get("QUERY_STRING", ""):
            return self._serve(bucket, key, method, start_response)
        if form_post:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            fields, file = _form(environ, body)
            try:
                if file is None:
                    raise PolicyRefused(400, "InvalidArgument", "POST requires exactly one file upload per request.")
                check_post(bucket, fields, len(file), self.secrets)
            except PolicyRefused as exc:
                status, headers, doc = _error_document(exc.status, exc.code, exc.message)
                start_response(status, headers)
                return [doc]
            environ = {**environ, "wsgi.input": io.BytesIO(body)}
            key_field = next((v for k, v in fields.items() if k.lower() == "key"), "")
            created = (key_field, "Post")
        elif method == "PUT" and bucket and key and is_s3 and "uploadId" not in environ.get("QUERY_STRING", ""):
            created = (key, "Copy" if environ.get("HTTP_X_AMZ_COPY_SOURCE") else "Put")
        elif method == "POST" and bucket and key and is_s3 and "uploadId=" in environ.get("QUERY_STRING", ""):
            created = (key, "CompleteMultipartUpload")
        captured: dict[str, str] = {}

        def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            captured["status"] = status
            return start_response(status, headers, *args)

        result = self.app(environ, start)
        if created and captured.get("status", "").startswith("2") and "tagging" not in environ.get("QUERY_STRING", ""):
            key_name, event = created
            obj = self._object(bucket, key_name)
            if obj is not None:
                if self.on_created:
                    self.on_created(Created(bucket, key_name, obj.size, obj.etag.strip('"'), event,
                                            environ.get("REMOTE_ADDR", "127.0.0.1")))
        return result

    def _serve(self, bucket: str, key: str, method: str, start_response: Callable[..., Any]) -> list[bytes]:
        obj = self._object(bucket, key)
        if obj is None:
            body = b"Not Found"
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
        data = obj.value
        headers = [("Content-Type", obj.metadata.get("Content-Type") or "binary/octet-stream"),
                   ("Content-Length", str(len(data))), ("ETag", obj.etag), ("Access-Control-Allow-Origin", "*")]
        if obj.metadata.get("Cache-Control"):
            headers.append(("Cache-Control", obj.metadata["Cache-Control"]))
        start_response("200 OK", headers)
        return [b"" if method == "HEAD" else data]

    @staticmethod
    def _is_s3(environ: dict[str, Any]) -> bool:
        """moto's own dispatch decides by the credential scope of the signature; a browser's form
        POST carries none in its headers: any unsigned request to /<bucket> is S3's."""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        return not auth or "/s3/aws4_request" in auth

    @staticmethod
    def _object(bucket: str, key: str) -> Any:
        from moto.s3.models import s3_backends

        try:
            return s3_backends[ACCOUNT_ID]["aws"].get_object(bucket, key)
        except Exception:  # noqa: BLE001 - no such bucket or key (a failed request)
            return None


# ---------------------------------------------------------------- the template's buckets

def local_bucket_names(template: Any, prefix: str = "minishop-local") -> dict[str, str]:
    """Local names of the template's buckets (S3 names are lower case)."""
    return {logical_id: f"{prefix}-{logical_id.lower()}" for logical_id in template.buckets()}


def create_buckets(client: Any, template: Any, names: dict[str, str]) -> None:
    """Each bucket of the template, with its CORS rules (what a browser's POST needs)."""
    for logical_id, props in template.buckets().items():
        client.create_bucket(Bucket=names[logical_id])
        rules = (props.get("CorsConfiguration") or {}).get("CorsRules")
        if rules:
            renamed = {"MaxAge": "MaxAgeSeconds", "ExposedHeaders": "ExposeHeaders"}
            client.put_bucket_cors(Bucket=names[logical_id], CORSConfiguration={"CORSRules": [
                {renamed.get(k, k): v for k, v in rule.items() if k != "Id"} for rule in rules]})


# ---------------------------------------------------------------- notifications to functions

def _matches(source: S3Source, event_name: str, key: str) -> bool:
    return (any(fnmatchcase(event_name, pattern) for pattern in source.events)
            and key.startswith(source.prefix) and key.endswith(source.suffix))


class S3Notifications:
    """The template's S3 event sources, delivered to their functions as S3 does (asynchronously)."""

    def __init__(self, functions: list[Any], bucket_names: dict[str, str],
                 invoke: Callable[[str, dict[str, Any]], Any], *, retries: int = 2, retry_delay: float = 0.2) -> None:
        self.routes = [(bucket_names[s.bucket], f.logical_id, s) for f in functions for s in f.s3]
        self.invoke, self.retries, self.retry_delay = invoke, retries, retry_delay
        self.queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self.pending = 0
        self.delivered = 0
        self.failed: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._counter = 0
        self._threads: list[threading.Thread] = []

    def start(self, workers: int = 2) -> S3Notifications:
        for i in range(workers):
            t = threading.Thread(target=self._run, name=f"s3-events-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        for _ in self._threads:
            self.queue.put(None)

    def _sequencer(self) -> str:
        with self._cond:
            self._counter += 1
            return f"{time.time_ns():016X}{self._counter:04X}"[-20:]

    def record(self, created: Created, configuration: str) -> dict[str, Any]:
        """The event record S3 sends (event message structure version 2.1)."""
        now = datetime.now(UTC)
        return {
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
            "eventName": f"ObjectCreated:{created.event}",
            "userIdentity": {"principalId": "AWS:LOCAL"},
            "requestParameters": {"sourceIPAddress": created.source_ip},
            "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(), "x-amz-id-2": uuid.uuid4().hex},
            "s3": {
                "s3SchemaVersion": "1.0", "configurationId": configuration,
                "bucket": {"name": created.bucket, "ownerIdentity": {"principalId": "LOCAL"},
                           "arn": f"arn:aws:s3:::{created.bucket}"},
                "object": {"key": quote_plus(created.key, safe="/"), "size": created.size, "eTag": created.etag,
                           "sequencer": self._sequencer()},
            },
        }

    def __call__(self, created: Created) -> None:
        for bucket, function, source in self.routes:
            if bucket == created.bucket and _matches(source, f"s3:ObjectCreated:{created.event}", created.key):
                with self._cond:
                    self.pending += 1
                self.queue.put((function, {"Records": [self.record(created, source.name)]}))

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            function, event = item
            for attempt in range(self.retries + 1):
                try:
                    self.invoke(function, event)
                    with self._cond:
                        self.delivered += 1
                    break
                except Exception as exc:  # noqa: BLE001 - Lambda retries a failed async invocation
                    sys.stderr.write(f"[s3] {function} failed on {event['Records'][0]['s3']['object']['key']}: {exc}\n")
                    if attempt == self.retries:
                        self.failed.append(event)
                    else:
                        time.sleep(self.retry_delay * 2 ** attempt)
            with self._cond:
                self.pending -= 1
                self._cond.notify_all()

    def drain(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def status(self) -> dict[str, Any]:
        return {"pending": self.pending, "delivered": self.delivered, "failed": len(self.failed),
                "sources": [{"bucket": b, "function": f, "events": list(s.events), "prefix": s.prefix,
                             "suffix": s.suffix} for b, f, s in self.routes]}
