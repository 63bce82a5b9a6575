"""Invariants of template.yaml that `sam validate --lint` does not check."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra.local.template import Template

DYNAMODB_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


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
    # URLs use ${AWS::URLSuffix}; the service principals (Lambda, Firehose) are the same in every partition
    assert "amazonaws.com" not in text.replace('"Service": "lambda.amazonaws.com"', "").replace(
        '"Service": "firehose.amazonaws.com"', "")


# ---------------------------------------------------------------- logs

# functions with no event: the operator invokes them with AWS credentials (sam remote invoke)
OPERATOR_INVOKED = {"MerchantTokensFunction"}


def test_every_function_logs_json_to_its_contexts_log_group_and_has_a_trigger(template: Template) -> None:
    assert template.globals["LoggingConfig"]["LogFormat"] == "JSON"
    groups: dict[str, list[str]] = {}
    for fn in template.functions():
        props = template.resources[fn.logical_id]["Properties"]
        assert set(props["LoggingConfig"]) == {"LogGroup"}, fn.logical_id  # format and level: Globals
        group = props["LoggingConfig"]["LogGroup"]["Ref"]
        assert template.resources[group]["Type"] == "AWS::Logs::LogGroup"
        assert "RetentionInDays" in template.resources[group]["Properties"]
        groups.setdefault(group, []).append(fn.logical_id)
        assert fn.routes or fn.schedules or fn.streams or fn.s3 or fn.logical_id in OPERATOR_INVOKED, \
            f"{fn.logical_id} has no route, schedule, stream or S3 event"
        assert (fn.code_uri / f"{fn.module}.py").exists()
    # one group per bounded context, not per function
    assert set(groups) == {"UsersLogs", "CatalogLogs", "BuyingLogs", "GrowthLogs", "AdminLogs", "SystemLogs",
                           "AnalyticsLogs"}
    admin = {fn.logical_id for fn in template.functions() if fn.routes and all(
        r.path.startswith("/admin/") for r in fn.routes)}
    assert set(groups["AdminLogs"]) == admin | OPERATOR_INVOKED  # the merchant's side, whatever its context
    names = [template.resources[g]["Properties"]["LogGroupName"]["Fn::Sub"] for g in groups]
    assert all(n.startswith("/minishop/${AWS::StackName}/") for n in names)


def test_lambda_drops_no_line_powertools_writes() -> None:
    """Lambda filters JSON application logs by ApplicationLogLevel and Powertools Logger then takes that
    level as its own: both come from the LogLevel parameter (WARNING is WARN to Lambda)."""
    template = Template()
    level = template.globals["LoggingConfig"]["ApplicationLogLevel"]
    assert level == {"Fn::FindInMap": ["LambdaLogLevel", {"Ref": "LogLevel"}, "Level"]}
    mapping = template.raw["Mappings"]["LambdaLogLevel"]
    assert set(mapping) == set(template.raw["Parameters"]["LogLevel"]["AllowedValues"])
    for ours, lambdas in mapping.items():
        assert lambdas["Level"] in {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
        assert lambdas["Level"][:4] == ours[:4]


# ---------------------------------------------------------------- permissions

def _role(template: Template, function: str) -> tuple[str, list[dict[str, Any]]]:
    role = template.resources[function]["Properties"]["Role"]["Fn::GetAtt"]
    assert role[1] == "Arn"
    props = template.resources[role[0]]["Properties"]
    statements = [s for p in props["Policies"] for s in p["PolicyDocument"]["Statement"]]
    return role[0], statements


def _actions(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}


# roles a service (not a function) assumes: Firehose writing the raw analytics events into their bucket
SERVICE_ROLES = {"EventsDeliveryRole"}


def test_the_firehose_role_writes_only_the_events_bucket_for_this_account(template: Template) -> None:
    props = template.resources["EventsDeliveryRole"]["Properties"]
    (trust,) = props["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "firehose.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "AWS::AccountId"}}}
    (statement,) = [s for p in props["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert all(a.startswith("s3:") and "*" not in a and "Delete" not in a for a in statement["Action"])
    assert statement["Resource"] == [{"Fn::GetAtt": ["EventsBucket", "Arn"]}, {"Fn::Sub": "${EventsBucket.Arn}/*"}]
    stream = template.resources["EventsDeliveryStream"]["Properties"]["ExtendedS3DestinationConfiguration"]
    assert stream["RoleARN"] == {"Fn::GetAtt": ["EventsDeliveryRole", "Arn"]}
    assert stream["CompressionFormat"] == "GZIP"


def test_functions_run_as_a_role_of_the_template_with_scoped_statements(template: Template) -> None:
    used_roles = set()
    for fn in template.functions():
        props = template.resources[fn.logical_id]["Properties"]
        assert "Policies" not in props, f"{fn.logical_id}: permissions belong to its role (Role:)"
        role, statements = _role(template, fn.logical_id)
        used_roles.add(role)
        assert template.resources[role]["Type"] == "AWS::IAM::Role"
    assert used_roles | SERVICE_ROLES == set(template.of_type("AWS::IAM::Role")), "a role no function uses"
    for role, res in template.of_type("AWS::IAM::Role").items():
        props = res["Properties"]
        if role in SERVICE_ROLES:
            continue
        assert props["AssumeRolePolicyDocument"]["Statement"] == [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        assert "ManagedPolicyArns" not in props, role
        for statement in (s for p in props["Policies"] for s in p["PolicyDocument"]["Statement"]):
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert all("*" not in a for a in actions), (role, actions)
            if statement["Resource"] == "*":  # X-Ray alone has no resource-level permissions
                assert set(actions) <= {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, (role, actions)
            else:
                for _, leaf in _walk(statement["Resource"]):
                    assert leaf != "*" and not str(leaf).endswith(":*"), (role, statement)


# DynamoDB's IAM actions a function may hold. There is no dynamodb:TransactWriteItems or
# TransactGetItems action: a transaction needs PutItem / UpdateItem / DeleteItem / ConditionCheckItem
# (GetItem) for each of its items.
DYNAMODB_ACTIONS = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                    "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                    "dynamodb:ConditionCheckItem", "dynamodb:DescribeStream", "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator", "dynamodb:ListStreams"}


def test_no_function_may_scan_and_index_access_names_the_index(template: Template) -> None:
    indexes = {i["IndexName"] for i in template.resources["ShopTable"]["Properties"]["GlobalSecondaryIndexes"]}
    for role, res in template.of_type("AWS::IAM::Role").items():
        for statement in (s for p in res["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]):
            actions = set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
            assert "dynamodb:Scan" not in actions, role
            unknown = {a for a in actions if a.startswith("dynamodb:")} - DYNAMODB_ACTIONS
            assert not unknown, f"{role}: {unknown} (not an IAM action a function needs)"
            assert not actions & {"dynamodb:PartiQLSelect", "dynamodb:ExecuteStatement"}, role
            for _, leaf in _walk(statement["Resource"]):
                if isinstance(leaf, str) and "/index/" in leaf:
                    assert leaf.startswith("${ShopTable.Arn}/index/") and leaf.rsplit("/", 1)[1] in indexes, (role, leaf)
                    assert actions == {"dynamodb:Query"}, (role, actions)


def test_read_only_functions_cannot_write(template: Template) -> None:
    for logical_id in ("ListCategoriesFunction", "ListProductsFunction", "GetProductFunction", "MeFunction",
                       "GetOrderFunction", "ListOrdersFunction", "PayOrderFunction", "AdminGetOrderFunction",
                       "ShareQrcodeFunction", "ParseAddressFunction", "FallbackFunction"):
        _, statements = _role(template, logical_id)
        assert not _actions(statements) & DYNAMODB_WRITES, logical_id


def test_catalog_functions_cannot_read_the_secret(template: Template) -> None:
    for logical_id in ("ListCategoriesFunction", "ListProductsFunction", "GetProductFunction", "FallbackFunction"):
        _, statements = _role(template, logical_id)
        assert not any(a.startswith("secretsmanager:") for a in _actions(statements)), logical_id


# the roles of the table stream's consumers: growth, and the order desk's (issue 9, docs/order-desk.md)
STREAM_READERS = {"GrowthEventsRole", "OrderDeskEventsRole", "OrderExportWorkerRole", "AggregateStatsRole"}


def test_the_table_stream_is_read_by_the_growth_role_only_and_only_that_stream(template: Template) -> None:
    stream_actions = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                      "dynamodb:ListStreams"}
    for role, res in template.of_type("AWS::IAM::Role").items():
        statements = [s for p in res["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
        granted = _actions(statements) & stream_actions
        if role not in STREAM_READERS:
            assert not granted, role
            continue
        assert granted == stream_actions
        for statement in statements:
            actions = set(statement["Action"])
            if actions & stream_actions:
                assert actions <= stream_actions
                assert statement["Resource"] in ({"Fn::GetAtt": ["ShopTable", "StreamArn"]},
                                                 {"Fn::Sub": "${ShopTable.Arn}/stream/*"}), statement


def test_a_role_writes_only_to_its_functions_log_groups(template: Template) -> None:
    for role in set(template.of_type("AWS::IAM::Role")) - SERVICE_ROLES:
        groups = {template.resources[fn.logical_id]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
                  for fn in template.functions() if _role(template, fn.logical_id)[0] == role}
        statements = _role(template, next(f.logical_id for f in template.functions()
                                          if _role(template, f.logical_id)[0] == role))[1]
        (logs,) = [s for s in statements if any(a.startswith("logs:") for a in _actions([s]))]
        assert set(logs["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}
        assert {r["Fn::GetAtt"][0] for r in logs["Resource"]} == groups, role


def test_tables_are_on_demand_encrypted_and_recoverable(template: Template) -> None:
    for name, props in template.tables().items():
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["SSESpecification"]["SSEEnabled"] is True, name
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name


def test_routes_are_unique_and_there_is_a_default(template: Template) -> None:
    keys = [r.route_key for r in template.routes()]
    assert len(keys) == len(set(keys))
    assert "$default" in keys


def test_session_keys_tool_output_fits_the_template_parameters(template: Template, tmp_path) -> None:
    import json
    import re

    from infra.tools import session_keys
    from shop.adapters import tokens

    session_keys.main(["--out", str(tmp_path)])
    for parameter, secret_key in (("SessionPublicKeys", "session_private_key"),
                                  ("MerchantTokenPublicKeys", "merchant_token_private_key")):
        line = (tmp_path / f"{parameter}.txt").read_text().strip()
        assert re.fullmatch(template.raw["Parameters"][parameter]["AllowedPattern"], line)
        assert next(iter(tokens.parse_key_set(line).values())).n.bit_length() == 2048
        fragment = json.loads((tmp_path / f"{secret_key}.secret.json").read_text())
        assert list(fragment) == [secret_key] and "PRIVATE KEY" in fragment[secret_key]
    # two keys while rotating fit the parameter too
    pair = ",".join((tmp_path / "SessionPublicKeys.txt").read_text().strip() for _ in range(2))
    assert re.fullmatch(template.raw["Parameters"]["SessionPublicKeys"]["AllowedPattern"], pair)


# who may read which secret: each secret only where its credential is used
SECRET_READERS = {
    "SessionKeySecret": {"LoginFunction"},
    "MerchantTokenSecret": {"MerchantTokensFunction",
                            # staff sign-in issues access tokens (issue 9, docs/staff.md "Signing in")
                            "StaffSignInFunction", "StaffRefreshFunction", "StaffWeChatSignInFunction"},
    "WeChatSecret": {"LoginFunction", "ShareQrcodeFunction", "StaffWeChatSignInFunction", "StaffAcceptWeChatFunction",
                     # the access token for WeChat's shipping APIs (issue 9, docs/shipping.md)
                     "ShipOrderFunction", "ChangeTrackingFunction", "DeliveryCompaniesFunction",
                     "ShippingUploadsFunction"},
    "WeChatPushSecret": {"WeChatPushFunction", "WeChatPushVerifyFunction"},  # the message push Token and key
    "WeChatPaySecret": {"CreateOrderFunction", "PayOrderFunction", "SyncOrderFunction", "CancelOrderFunction",
                        "PayNotifyFunction", "ApproveRefundFunction", "ReceiveReturnFunction", "OrderTimersFunction",
                        "CreateRefundFunction",  # a merchant's partial refund
                        "ReconciliationRunFunction", "ReconciliationWorkerFunction"},  # bills (reconciliation)
}


def test_each_secret_is_readable_only_by_the_functions_that_use_it(template: Template) -> None:
    from infra.local import credentials
    from shop.adapters.config import SECRET_OF

    assert set(credentials.SECRET_VARIABLES) == set(SECRET_OF.values())
    assert set(credentials.SECRETS) == set(SECRET_READERS) == {
        name for name, r in template.resources.items() if r["Type"] == "AWS::SecretsManager::Secret"}
    readers: dict[str, set[str]] = {name: set() for name in SECRET_READERS}
    for fn in template.functions():
        props = template.resources[fn.logical_id]["Properties"]
        _, statements = _role(template, fn.logical_id)
        granted: set[str] = set()
        for statement in statements:
            if any(a.startswith("secretsmanager:") for a in _actions([statement])):
                assert statement["Action"] == ["secretsmanager:GetSecretValue"]
                granted |= {r["Ref"] for r in statement["Resource"]}
        variables = props.get("Environment", {}).get("Variables", {})
        named = {v["Ref"] for k, v in variables.items() if k.endswith("_SECRET_ID")}
        # a role of a class is shared: what it grants is exactly what each of its functions names
        assert named == granted, fn.logical_id
        for secret in named:
            readers[secret].add(fn.logical_id)
        for variable, secret in ((k, v["Ref"]) for k, v in variables.items() if k.endswith("_SECRET_ID")):
            assert credentials.SECRETS[secret] and variable == _variable_of(secret), (fn.logical_id, variable)
        if named:
            # a function that holds WeChat Pay or signing keys ships the crypto package itself
            requirements = fn.code_uri / "requirements.txt"
            if named == {"WeChatSecret"}:  # the AppSecret only (access token): no signing
                assert not requirements.exists()
            else:
                assert requirements.read_text().startswith("cryptography=="), fn.logical_id
    assert readers == SECRET_READERS


def _variable_of(secret: str) -> str:
    from infra.local import credentials
    from shop.adapters.config import secret_variable

    return secret_variable(credentials.SECRETS[secret][0])


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
    _, statements = _role(template, "GrowthEventsFunction")
    (send,) = [s for s in statements if any(a.startswith("sqs:") for a in _actions([s]))]
    assert send["Action"] == ["sqs:SendMessage"] and send["Resource"] == {"Fn::GetAtt": [failures, "Arn"]}


def test_the_shared_layer_stays_light(template: Template) -> None:
    from infra.local.template import ROOT

    requirements = (ROOT / "layers" / "shop" / "requirements.txt").read_text()
    packages = [line.split("==")[0] for line in requirements.splitlines() if line and not line.startswith("#")]
    assert packages == ["aws-lambda-powertools", "pydantic"]


def test_timers_run_on_an_eventbridge_schedule(template: Template) -> None:
    timers = template.resources["OrderTimersFunction"]["Properties"]
    assert timers["Events"]["EveryMinute"] == {"Type": "Schedule", "Properties": {
        "Schedule": "rate(1 minute)", "Description": "order payment deadlines and automatic completion"}}


# ---------------------------------------------------------------- settings

def test_payments_and_timers_have_a_little_reserved_concurrency_that_can_be_turned_off(template: Template) -> None:
    """Reserved concurrency comes out of the account's pool (Lambda keeps 100 unreserved), so it is
    small, and ReservedConcurrency=off deploys to an account that still has the new-account limit."""
    param = template.raw["Parameters"]["ReservedConcurrency"]
    assert param["AllowedValues"] == ["on", "off"]
    assert template.raw["Conditions"]["ReservesConcurrency"] == {"Fn::Equals": [{"Ref": "ReservedConcurrency"}, "on"]}
    reserved = {}
    for fn in template.functions():
        value = template.resources[fn.logical_id]["Properties"].get("ReservedConcurrentExecutions")
        if value is not None:
            condition, amount, otherwise = value["Fn::If"]
            assert condition == "ReservesConcurrency" and otherwise == {"Ref": "AWS::NoValue"}
            reserved[fn.logical_id] = amount
    assert set(reserved) == {"PayNotifyFunction", "OrderTimersFunction"}
    assert 1 < reserved["OrderTimersFunction"] <= 3  # a run may overlap the next minute's, no more
    assert reserved["OrderTimersFunction"] < reserved["PayNotifyFunction"] <= 50
    for value in ("on", "off"):
        assert template.condition("ReservesConcurrency", {"ReservedConcurrency": value}) == (value == "on")


def test_routes_that_spend_a_wechat_quota_are_throttled_lower_and_notifications_higher(template: Template) -> None:
    api = template.resources["ShopApi"]["Properties"]
    default = api["DefaultRouteSettings"]
    settings = api["RouteSettings"]
    keys = {r.route_key for r in template.routes()}
    assert set(settings) <= keys, set(settings) - keys  # a typo would throttle nothing
    for key in ("POST /auth/login", "POST /orders/{id}/sync", "GET /me/share/qrcode"):
        assert settings[key]["ThrottlingRateLimit"] < default["ThrottlingRateLimit"], key
        assert settings[key]["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"], key
    notify = settings["POST /pay/notify"]
    assert notify["ThrottlingRateLimit"] > default["ThrottlingRateLimit"]
    assert notify["ThrottlingBurstLimit"] > default["ThrottlingBurstLimit"]
    assert settings["GET /me/share/qrcode"]["ThrottlingRateLimit"] <= settings["POST /auth/login"]["ThrottlingRateLimit"]


URL_PARAMETERS = ("WeChatApiBaseUrl", "WeChatPayApiBaseUrl", "PayNotifyUrl")


def test_every_url_parameter_is_a_url_parameter_we_know() -> None:
    params = Template().raw["Parameters"]
    assert {n for n in params if n.lower().endswith(("url", "uri", "endpoint"))} == set(URL_PARAMETERS)


@pytest.mark.parametrize("name", URL_PARAMETERS)
def test_wechat_urls_must_be_https(name: str) -> None:
    param = Template().raw["Parameters"][name]
    pattern = param["AllowedPattern"]  # CloudFormation matches the whole value

    def accepted(value: str) -> bool:
        return re.fullmatch(pattern, value) is not None

    assert accepted(param["Default"])
    assert accepted("https://api.weixin.qq.com") and accepted("https://pay.example.com:8443/wx/notify")
    for bad in ("http://api.weixin.qq.com", "HTTP://api.weixin.qq.com", "ftp://x", "api.weixin.qq.com",
                "https://", "https://evil.example.com x", " https://api.weixin.qq.com"):
        assert not accepted(bad), (name, bad)
    assert accepted("") == (name == "PayNotifyUrl")  # empty: this API's own /pay/notify
    assert "https" in param["ConstraintDescription"]


def test_the_local_stack_points_functions_at_http_simulators_through_the_environment_not_parameters() -> None:
    """The local stack resolves the template with the parameters' defaults (https) and then sets the
    simulators' http URLs as environment variables; it never passes a URL parameter."""
    from infra.local.template import ROOT

    for source in (ROOT / "infra" / "local").glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for name in URL_PARAMETERS:
            assert name not in text, (source.name, name)


def test_the_secret_is_kept_in_prod_and_deleted_with_a_dev_stack(template: Template) -> None:
    assert "AWS::LanguageExtensions" in template.raw["Transform"]  # intrinsics in DeletionPolicy
    assert template.raw["Transform"][-1] == "AWS::Serverless-2016-10-31"
    assert template.raw["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    secrets = template.of_type("AWS::SecretsManager::Secret")
    assert secrets
    for name, res in secrets.items():
        for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
            assert res[attribute] == {"Fn::If": ["IsProd", "Retain", "Delete"]}, (name, attribute)
    table = template.resources["ShopTable"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_the_shop_table_is_the_only_table() -> None:
    """The IdempotencyTable nothing used is gone: POST /orders is idempotent through the shop table."""
    assert list(Template().tables()) == ["ShopTable"]
