"""Publishing the built console to the stack's bucket (infra/tools/publish_console.py), against moto."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from infra.tools import publish_console


def _dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<script type="module" src="/assets/index-abc123.js"></script>')
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "assets" / "index-abc123.css").write_text("body{}")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    return tmp_path


def test_assets_are_immutable_the_page_revalidates_and_goes_up_last(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    dist = _dist(tmp_path)
    with mock_aws():
        s3, cloudfront = boto3.client("s3"), boto3.client("cloudfront")
        s3.create_bucket(Bucket="console")
        distribution = cloudfront.create_distribution(DistributionConfig={
            "CallerReference": "t", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "c", "DomainName": "console.s3.amazonaws.com",
                                                  "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "c", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})["Distribution"]["Id"]
        keys = publish_console.publish(s3, cloudfront, dist, "console", distribution)
        assert keys[-1] == "index.html" and set(keys) == {"index.html", "favicon.svg", "assets/index-abc123.js",
                                                          "assets/index-abc123.css"}
        script = s3.head_object(Bucket="console", Key="assets/index-abc123.js")
        assert (script["ContentType"], script["CacheControl"]) == ("text/javascript; charset=utf-8",
                                                                   publish_console.IMMUTABLE)
        page = s3.head_object(Bucket="console", Key="index.html")
        assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
        invalidations = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
        assert invalidations["Quantity"] == 1


def test_nothing_is_published_without_a_build(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make console"):
        publish_console.plan(tmp_path)
