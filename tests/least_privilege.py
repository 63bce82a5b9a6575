"""Least privilege, measured: which AWS actions each function's handler really performs in the tests,
against what its IAM role in template.yaml allows.

While the tests run, every botocore client gets a ``before-parameter-build`` handler that turns the
call into the IAM actions and resources it needs (a TransactWriteItems into one PutItem / UpdateItem /
DeleteItem / ConditionCheckItem per item, a Query with IndexName into Query on the index ARN, ...) and
records them under the function whose handler is running. A handler counts as running from the
moment its ``lambda_handler`` (loaded through ``tests.helpers.load_function``) is called until it
returns, in its own thread and in threads it starts, so background work (the WeChat Pay key prefetch)
is attributed too. Calls made by the tests themselves (seeding, boto3 checks) belong to no function
and are not recorded.

``tests/handler/test_least_privilege.py`` runs after every other test (``tests/conftest.py`` moves
it to the end) and fails:

- for any recorded action the function's role does not allow on that resource (the function and the
  action are named), and
- when every handler test ran, for any DynamoDB action a role grants on a resource that none of the
  role's functions used.
"""

from __future__ import annotations

import contextvars
import fnmatch
import functools
import os
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.local.template import ROOT, Template

current_function: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_function", default=None)

#: function logical id -> {(iam action, symbolic resource ARN)}
recorded: dict[str, set[tuple[str, str]]] = defaultdict(set)
_lock = threading.Lock()

#: set by tests/conftest.py after collection: did this run select every handler test?
run_state: dict[str, Any] = {"complete": False, "why_partial": "the handler tests were not collected"}

HANDLER_TESTS = ROOT / "tests" / "handler"

# Symbolic ARNs: the same strings come out of the template's resource expressions (resolved with
# REFS below) and out of the recorded calls.
TABLE = "arn:dynamodb:table/{}"
SECRET = "arn:secretsmanager:secret/{}"
S3_OBJECT = "arn:aws:s3:::{}/{}"
# The account and stack the tests resolve the template for: a bucket whose name the template builds
# (MediaBucket: from the account and the stack id, see template.yaml) has that name in the tests too
# (tests/handler/test_media.py), so a role's S3 resources and the recorded calls name the same ARNs.
TEST_REFS = {"AWS::AccountId": "123456789012", "AWS::Partition": "aws",
             "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/minishop-test/6f1c2e3d-0a1b-4c2d-8e3f-000000000000"}


def table_arn(logical_id: str, index: str | None = None) -> str:
    return TABLE.format(logical_id) + (f"/index/{index}" if index else "")


# ------------------------------------------------------------------ what a call needs

_TRANSACT_WRITE = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
_PER_TABLE = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable",
              "DescribeTimeToLive", "UpdateTable", "DescribeContinuousBackups"}


def _table_logical_id(name: str) -> str:
    """Tables in the tests are named ``test-<LogicalId>`` (tests/conftest.py, local_table_names)."""
    return name.split("-", 1)[1] if name.startswith("test-") else name


def needs(service: str, operation: str, params: dict[str, Any], function: str, template: Template) -> set[tuple[str, str]]:
    """The (IAM action, resource) pairs one API call needs."""
    if service == "dynamodb":
        def on(table: str, index: str | None = None) -> str:
            return table_arn(_table_logical_id(table), index)

        if operation in _PER_TABLE:
            return {(f"dynamodb:{operation}", on(params["TableName"], params.get("IndexName")))}
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return {(f"dynamodb:{operation}", on(table)) for table in params["RequestItems"]}
        if operation == "TransactWriteItems":
            out = set()
            for item in params["TransactItems"]:
                (kind, args), = item.items()
                out.add((f"dynamodb:{_TRANSACT_WRITE[kind]}", on(args["TableName"])))
            return out
        if operation == "TransactGetItems":
            return {("dynamodb:GetItem", on(item["Get"]["TableName"])) for item in params["TransactItems"]}
        return {(f"dynamodb:{operation}", "*")}  # PartiQL and the rest: allowed by no role, so named
    if service == "s3":
        action = {"HeadObject": "GetObject"}.get(operation, operation)  # IAM has no HeadObject action
        return {(f"s3:{action}", S3_OBJECT.format(params.get("Bucket", "?"), params.get("Key", "")))}
    if service == "firehose" and "DeliveryStreamName" in params:
        # delivery streams are named test-<logical id> in the tests (tests/handler/test_analytics.py)
        name = params["DeliveryStreamName"]
        logical_id = next((k for k in template.of_type("AWS::KinesisFirehose::DeliveryStream")
                           if name == f"test-{k.lower()}"), name)
        return {(f"firehose:{operation}", f"arn:AWS::KinesisFirehose::DeliveryStream/{logical_id}")}
    if service == "secretsmanager" and "SecretId" in params:
        return {(f"secretsmanager:{operation}", _secret_resource(params["SecretId"], function, template))}
    return {(f"{service}:{operation}", "*")}


def _secret_resource(secret_id: str, function: str, template: Template) -> str:
    """The secret a function reads, by the environment variable that names it: the variable whose
    value in the tests is ``secret_id``, resolved through the function's environment in the template
    (e.g. WECHAT_SECRET_ID: !Ref WeChatSecret -> WeChatSecret). A variable the template does not give the
    function resolves to nothing, so the read is refused."""
    spec = next((f for f in template.functions() if f.logical_id == function), None)
    env = spec.environment if spec else {}
    for name, value in os.environ.items():
        if value == secret_id and isinstance(env.get(name), dict) and "Ref" in env[name]:
            return SECRET.format(env[name]["Ref"])
    return SECRET.format(f"(the secret {secret_id!r}, which {function}'s environment does not name)")


# ------------------------------------------------------------------ recording

_template: Template | None = None


def _record(params: dict[str, Any], model: Any, **_: Any) -> None:
    function = current_function.get()
    if function is None or _template is None:
        return
    try:
        pairs = needs(model.service_model.service_name, model.name, params, function, _template)
    except (KeyError, TypeError, ValueError):  # a malformed call fails on its own; record what it is
        pairs = {(f"{model.service_model.service_name}:{model.name}", "?")}
    with _lock:
        recorded[function] |= pairs


def _wrap_handler(function: str, handler: Any) -> Any:
    if getattr(handler, "_least_privilege", None):
        return handler

    @functools.wraps(handler)
    def run(*args: Any, **kwargs: Any) -> Any:
        token = current_function.set(function)
        try:
            return handler(*args, **kwargs)
        finally:
            current_function.reset(token)

    run._least_privilege = function  # type: ignore[attr-defined]
    return run


def install(template: Template) -> None:
    """Record from now on (called once, from tests/conftest.py at configure time)."""
    global _template
    if _template is not None:
        return
    _template = template

    import botocore.session

    create_client = botocore.session.Session.create_client

    @functools.wraps(create_client)
    def create_recorded_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, *args, **kwargs)
        client.meta.events.register("before-parameter-build", _record)
        return client

    botocore.session.Session.create_client = create_recorded_client  # type: ignore[method-assign]

    # the handler a test loads runs under its function's name
    import tests.helpers

    load_module = tests.helpers.load_module

    def load_recorded_module(spec: Any, *args: Any, **kwargs: Any) -> Any:
        module = load_module(spec, *args, **kwargs)
        module.lambda_handler = _wrap_handler(spec.logical_id, module.lambda_handler)
        return module

    tests.helpers.load_module = load_recorded_module

    # threads started by a handler (and thread-pool tasks it submits) work for that function
    start = threading.Thread.start

    def start_in_context(self: threading.Thread) -> None:
        function = current_function.get()
        if function is not None:
            run = self.run

            def run_as_function() -> None:
                current_function.set(function)
                run()

            self.run = run_as_function  # type: ignore[method-assign]
        start(self)

    threading.Thread.start = start_in_context  # type: ignore[method-assign]

    from concurrent.futures import ThreadPoolExecutor

    submit = ThreadPoolExecutor.submit

    def submit_in_context(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        function = current_function.get()

        def task() -> Any:
            token = current_function.set(function)
            try:
                return fn(*args, **kwargs)
            finally:
                current_function.reset(token)

        return submit(self, task)

    ThreadPoolExecutor.submit = submit_in_context  # type: ignore[method-assign]


# ------------------------------------------------------------------ what the template allows

class _Refs(dict):
    """Values for Template.resolve: every ``X.Arn`` / ``X.StreamArn`` / ``Ref X`` as a symbolic ARN."""

    def __init__(self, template: Template) -> None:
        super().__init__()
        for logical_id, res in template.resources.items():
            kind = res.get("Type", "")
            if kind == "AWS::DynamoDB::Table":
                self[f"{logical_id}.Arn"] = table_arn(logical_id)
                self[f"{logical_id}.StreamArn"] = table_arn(logical_id) + "/stream/LATEST"
                self[logical_id] = logical_id
            elif kind == "AWS::SecretsManager::Secret":
                self[logical_id] = SECRET.format(logical_id)
            elif kind == "AWS::S3::Bucket":
                name = res.get("Properties", {}).get("BucketName")
                name = template.resolve(name, TEST_REFS) if name else f"test-{logical_id.lower()}"
                self[logical_id] = name
                self[f"{logical_id}.Arn"] = f"arn:aws:s3:::{name}"
            else:
                self[logical_id] = f"ref:{logical_id}"
                self[f"{logical_id}.Arn"] = f"arn:{kind}/{logical_id}"
                self[f"{logical_id}.QueueName"] = f"queue:{logical_id}"
        for name in template.raw.get("Parameters", {}):
            self.setdefault(name, f"param:{name}")
        self.update(TEST_REFS)

    def __missing__(self, key: str) -> str:
        return f"ref:{key}"

    def get(self, key: str, default: Any = None) -> Any:  # Fn::Sub looks names up with get
        return self[key]


@dataclass
class Grant:
    actions: list[str]
    resources: list[str]

    def allows(self, action: str, resource: str) -> bool:
        return any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in self.actions) and any(
            fnmatch.fnmatchcase(resource, r) for r in self.resources)


@dataclass
class Role:
    logical_id: str
    grants: list[Grant] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)

    def allows(self, action: str, resource: str) -> bool:
        return any(g.allows(action, resource) for g in self.grants)

    def dynamodb_grants(self) -> set[tuple[str, str]]:
        return {(a, r) for g in self.grants for a in g.actions if a.startswith("dynamodb:") for r in g.resources
                if r.startswith("arn:dynamodb:table/") and "/stream/" not in r}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_of(template: Template, function: str) -> str:
    """The logical id of the AWS::IAM::Role a function runs as (``Role: !GetAtt X.Arn``)."""
    role = template.resources[function]["Properties"].get("Role")
    if not (isinstance(role, dict) and "Fn::GetAtt" in role and role["Fn::GetAtt"][1] == "Arn"):
        raise AssertionError(f"{function}: Role must be !GetAtt <a role of this template>.Arn, not {role!r}")
    return role["Fn::GetAtt"][0]


def roles(template: Template) -> dict[str, Role]:
    refs = _Refs(template)
    out: dict[str, Role] = {}
    for logical_id, res in template.of_type("AWS::IAM::Role").items():
        role = Role(logical_id)
        for policy in res["Properties"].get("Policies", []):
            for statement in _as_list(policy["PolicyDocument"]["Statement"]):
                assert statement.get("Effect") == "Allow" and "NotAction" not in statement, (logical_id, statement)
                resources = [str(r) for r in _as_list(template.resolve(statement["Resource"], refs))]
                role.grants.append(Grant([str(a) for a in _as_list(statement["Action"])], resources))
        out[logical_id] = role
    for fn in template.functions():
        out[role_of(template, fn.logical_id)].functions.append(fn.logical_id)
    return out


def violations(template: Template, observed: dict[str, set[tuple[str, str]]]) -> list[str]:
    """Recorded actions the function's role does not allow."""
    by_role = roles(template)
    problems = []
    for function, pairs in sorted(observed.items()):
        role = by_role[role_of(template, function)]
        for action, resource in sorted(pairs):
            if not role.allows(action, resource):
                problems.append(f"{function} calls {action} on {resource}, which its role {role.logical_id} does not allow")
    return problems


def unused(template: Template, observed: dict[str, set[tuple[str, str]]]) -> list[str]:
    """DynamoDB actions a role grants that none of its functions' tests used."""
    problems = []
    for role in roles(template).values():
        used = set().union(*(observed.get(f, set()) for f in role.functions))
        for action, resource in sorted(role.dynamodb_grants()):
            if not any(fnmatch.fnmatchcase(a.lower(), action.lower()) and fnmatch.fnmatchcase(r, resource)
                       for a, r in used):
                problems.append(f"{role.logical_id} (for {', '.join(role.functions)}) grants {action} on {resource}, "
                                "which no handler test of these functions calls")
    return problems


def note_collection(items: Iterable[Any], deselected: Iterable[Any], args: list[str]) -> None:
    """Whether this run executes every handler test: the unused-grant check needs that."""
    def in_handler_tests(path: Path) -> bool:
        return HANDLER_TESTS in Path(path).parents

    modules = {Path(item.path) for item in items if in_handler_tests(item.path)}
    expected = set(HANDLER_TESTS.glob("test_*.py"))
    skipped = [i.nodeid for i in deselected if in_handler_tests(i.path)]
    if missing := sorted(p.name for p in expected - modules):
        run_state.update(complete=False, why_partial=f"handler test modules not collected: {', '.join(missing)}")
    elif skipped:
        run_state.update(complete=False, why_partial=f"{len(skipped)} handler tests deselected")
    elif any("::" in a for a in args):
        run_state.update(complete=False, why_partial="single tests were selected")
    else:
        run_state.update(complete=True, why_partial="")


def dump(path: str) -> None:
    """Write what was recorded as JSON (``MINISHOP_RECORD_ACTIONS=<file> pytest tests/handler``), to see
    what each function uses when adjusting its role."""
    import json

    with open(path, "w", encoding="utf-8") as fh:
        json.dump({f: sorted(map(list, pairs)) for f, pairs in sorted(recorded.items())}, fh, indent=1)
