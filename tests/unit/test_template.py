"""Invariants of template.yaml that `sam validate --lint` does not check."""

from __future__ import annotations

import json

from infra.local.template import Template

TABLE_ACTIONS_READ = {"DynamoDBReadPolicy"}


def _walk(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, i))
    else:
        yield path, value


def test_runtime_architecture_and_layer(template: Template) -> None:
    g = template.globals
    assert g["Runtime"] == "python3.13"
    assert g["Architectures"] == ["arm64"]
    assert g["Tracing"] == "Active"
    layer = template.resources["ShopLayer"]
    assert layer["Metadata"] == {"BuildMethod": "python3.13", "BuildArchitecture": "arm64"}


def test_no_hard_coded_partition_or_region(template: Template) -> None:
    text = json.dumps(template.raw)
    assert "arn:aws:" not in text and "arn:aws-cn:" not in text
    assert "amazonaws.com" not in text  # URLs use ${AWS::URLSuffix}


def test_every_function_has_its_own_log_group_and_a_trigger(template: Template) -> None:
    for fn in template.functions():
        props = template.resources[fn.logical_id]["Properties"]
        group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert template.resources[group]["Type"] == "AWS::Logs::LogGroup"
        assert "RetentionInDays" in template.resources[group]["Properties"]
        assert fn.routes or fn.schedules or fn.streams, f"{fn.logical_id} has no route, schedule or stream"
        assert (fn.code_uri / f"{fn.module}.py").exists()


def test_policies_are_scoped_templates_never_wildcards(template: Template) -> None:
    for fn in template.functions():
        for policy in template.resources[fn.logical_id]["Properties"].get("Policies", []):
            assert isinstance(policy, dict) and len(policy) == 1, "only SAM policy templates"
            (name, args), = policy.items()
            assert name.endswith("Policy")
            assert args, f"{fn.logical_id}: {name} must be scoped to a resource"
            for _, leaf in _walk(args):
                assert leaf != "*"


def test_read_only_functions_cannot_write(template: Template) -> None:
    for logical_id in ("ListCategoriesFunction", "ListProductsFunction", "GetProductFunction", "MeFunction"):
        names = {next(iter(p)) for p in template.resources[logical_id]["Properties"]["Policies"]}
        assert "DynamoDBCrudPolicy" not in names and "DynamoDBWritePolicy" not in names


def test_catalog_functions_cannot_read_the_secret(template: Template) -> None:
    for logical_id in ("ListCategoriesFunction", "ListProductsFunction", "GetProductFunction", "FallbackFunction"):
        names = {next(iter(p)) for p in template.resources[logical_id]["Properties"].get("Policies", [])}
        assert "AWSSecretsManagerGetSecretValuePolicy" not in names


def test_tables_are_on_demand_encrypted_and_recoverable(template: Template) -> None:
    for name, props in template.tables().items():
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["SSESpecification"]["SSEEnabled"] is True, name
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name


def test_routes_are_unique_and_there_is_a_default(template: Template) -> None:
    keys = [r.route_key for r in template.routes()]
    assert len(keys) == len(set(keys))
    assert "$default" in keys


def test_session_keys_tool_output_fits_the_template_parameter(template: Template, tmp_path) -> None:
    import re

    from infra.tools import session_keys
    from shop import auth

    session_keys.main(["--out", str(tmp_path)])
    line = (tmp_path / "SessionPublicKey.txt").read_text().strip()
    assert re.fullmatch(template.raw["Parameters"]["SessionPublicKey"]["AllowedPattern"], line)
    assert auth._load(line).n.bit_length() == 2048
    assert "PRIVATE KEY" in (tmp_path / "session_private_key.pem").read_text()


def test_only_functions_that_use_a_credential_may_read_the_secret(template: Template) -> None:
    readers = set()
    for fn in template.functions():
        props = template.resources[fn.logical_id]["Properties"]
        names = {next(iter(p)) for p in props.get("Policies", [])}
        reads = "AWSSecretsManagerGetSecretValuePolicy" in names
        configured = "SHOP_SECRET_ID" in props.get("Environment", {}).get("Variables", {})
        assert reads == configured, fn.logical_id
        if reads:
            readers.add(fn.logical_id)
            requirements = fn.code_uri / "requirements.txt"
            if fn.logical_id == "ShareQrcodeFunction":  # the AppSecret only (access token): no signing
                assert not requirements.exists()
                continue
            # a function that holds WeChat Pay or session keys ships the crypto package itself
            assert requirements.read_text().startswith("cryptography=="), fn.logical_id
    assert "ListProductsFunction" not in readers and "GetOrderFunction" not in readers


def test_growth_reads_the_table_stream_and_keeps_what_fails(template: Template) -> None:
    table = template.resources["ShopTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}  # OldImage: PENDING -> PAID
    props = template.resources["GrowthEventsFunction"]["Properties"]
    source = props["Events"]["ShopChanges"]["Properties"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["MaximumRetryAttempts"] >= 1
    from infra.local.streams import RecordFilter

    accept = RecordFilter(tuple(f["Pattern"] for f in source["FilterCriteria"]["Filters"]))
    template_item = {"type": {"S": "coupon_template"}, "template_id": {"S": "reward-3"}, "issued": {"N": "7"},
                     "claimable": {"BOOL": False}}
    changed = {**template_item, "total_changed_at": {"N": "1795600000000"}}
    assert accept({"eventName": "MODIFY", "dynamodb": {"NewImage": changed, "OldImage": template_item}})
    assert not accept({"eventName": "MODIFY", "dynamodb": {"NewImage": template_item, "OldImage": template_item}})
    claimable = {**changed, "claimable": {"BOOL": True}}  # rewards are grant-only: nothing is owed a claimable coupon
    assert not accept({"eventName": "MODIFY", "dynamodb": {"NewImage": claimable, "OldImage": template_item}})
    assert accept({"eventName": "INSERT", "dynamodb": {"NewImage": {"type": {"S": "user"}}}})
    assert not accept({"eventName": "INSERT", "dynamodb": {"NewImage": {"type": {"S": "coupon"}}}})
    failures = source["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert template.resources[failures]["Type"] == "AWS::SQS::Queue"
    policies = {next(iter(p)): next(iter(p.values())) for p in props["Policies"]}
    assert policies["SQSSendMessagePolicy"]["QueueName"]["Fn::GetAtt"][0] == failures


def test_the_shared_layer_stays_light(template: Template) -> None:
    from infra.local.template import ROOT

    requirements = (ROOT / "layers" / "shop" / "requirements.txt").read_text()
    packages = [line.split("==")[0] for line in requirements.splitlines() if line and not line.startswith("#")]
    assert packages == ["aws-lambda-powertools", "pydantic"]


def test_timers_run_on_an_eventbridge_schedule(template: Template) -> None:
    timers = template.resources["OrderTimersFunction"]["Properties"]
    assert timers["Events"]["EveryMinute"] == {"Type": "Schedule", "Properties": {
        "Schedule": "rate(1 minute)", "Description": "order payment deadlines and automatic completion"}}
    # no reserved concurrency: new accounts cannot reserve any, and overlapping runs are safe (every
    # action is a conditional write)
    assert "ReservedConcurrentExecutions" not in timers
