"""Publish the built merchant console (console/dist, `make console`) to a deployed stack: every file
into the stack's ConsoleBucket with its content type and caching, then an invalidation of
index.html on ConsoleDistribution so the next page load gets the new build.

  python -m infra.tools.publish_console --stack-name minishop-prod [--dist console/dist]
  python -m infra.tools.publish_console --bucket <ConsoleBucketName> --distribution <ConsoleDistributionId>

Hashed assets (assets/*-<hash>.js) are immutable and cached for a year; index.html and the other
top-level files are revalidated on every load. Files of earlier builds are kept, so a page opened
before the upload can still load the chunks it asks for.
"""

from __future__ import annotations

import argparse
import mimetypes
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json"}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def plan(dist: Path) -> list[tuple[Path, str, str, str]]:
    """(file, key, content type, cache control) for every file of the build, index.html last."""
    if not (dist / "index.html").is_file():
        raise SystemExit(f"no built console in {dist}: run `make console` first")
    files = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        key = path.relative_to(dist).as_posix()
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        files.append((path, key, kind, IMMUTABLE if key.startswith("assets/") else REVALIDATE))
    return sorted(files, key=lambda f: f[1] == "index.html")  # the page that names the assets goes up last


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def publish(s3: Any, cloudfront: Any, dist: Path, bucket: str, distribution: str | None) -> list[str]:
    keys = []
    for path, key, kind, cache in plan(dist):
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=kind, CacheControl=cache)
        keys.append(key)
    if distribution:
        cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/", "/index.html"]}, "CallerReference": f"publish-{time.time_ns()}"})
    return keys


def main(argv: list[str] | None = None) -> None:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack-name", help="read ConsoleBucketName and ConsoleDistributionId from its outputs")
    parser.add_argument("--bucket")
    parser.add_argument("--distribution")
    parser.add_argument("--dist", type=Path, default=ROOT / "console" / "dist")
    args = parser.parse_args(argv)
    bucket, distribution = args.bucket, args.distribution
    if args.stack_name:
        outputs = stack_outputs(boto3.client("cloudformation"), args.stack_name)
        bucket, distribution = outputs["ConsoleBucketName"], outputs["ConsoleDistributionId"]
    if not bucket:
        parser.error("give --stack-name, or --bucket (and --distribution)")
    keys = publish(boto3.client("s3"), boto3.client("cloudfront"), args.dist, bucket, distribution)
    print(f"published {len(keys)} files to s3://{bucket}/" + (f", invalidated index.html on {distribution}" if distribution else ""))


if __name__ == "__main__":
    main()
