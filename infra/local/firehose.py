"""The template's Firehose delivery streams in moto: each writes what it is sent into its local
bucket (moto stores every PutRecord as an object under the stream's prefix at once, where AWS
buffers for minutes and gzips; tests read the raw lines back)."""

from __future__ import annotations

from typing import Any


def local_stream_names(template: Any, prefix: str = "minishop-local") -> dict[str, str]:
    return {logical_id: f"{prefix}-{logical_id.lower()}"
            for logical_id in template.of_type("AWS::KinesisFirehose::DeliveryStream")}


def refs(names: dict[str, str], region: str, account: str) -> dict[str, str]:
    out = {}
    for logical_id, name in names.items():
        out[logical_id] = name
        out[f"{logical_id}.Arn"] = f"arn:aws:firehose:{region}:{account}:deliverystream/{name}"
    return out


def create_streams(client: Any, template: Any, names: dict[str, str], bucket_names: dict[str, str]) -> None:
    for logical_id, res in template.of_type("AWS::KinesisFirehose::DeliveryStream").items():
        destination = res["Properties"]["ExtendedS3DestinationConfiguration"]
        bucket = destination["BucketARN"]["Fn::GetAtt"][0]
        client.create_delivery_stream(
            DeliveryStreamName=names[logical_id], DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/local-firehose",
                "BucketARN": f"arn:aws:s3:::{bucket_names[bucket]}",
                "Prefix": "events/",  # AWS expands !{timestamp:...}; moto does not
                "CompressionFormat": "UNCOMPRESSED",
            })
