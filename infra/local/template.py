"""template.yaml as the local stack, the tests and the tools read it: the one source of truth for
tables, functions, routes and environment.

CloudFormation's short-form tags (!Ref, !Sub, !GetAtt, !If, ...) load as their long form, and
``resolve`` evaluates the intrinsics given local values for resources and parameters.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


# libyaml's parser when PyYAML has it (ten times faster on this template), the pure-Python one otherwise.
class _CfnLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


_parsed: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as a dict: parsed once per version of the file (its mtime and size), each caller
    getting its own copy to change as it likes."""
    path = Path(path).resolve()
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _parsed.get(path)
    if cached is None or cached[0] != version:
        with open(path, encoding="utf-8") as fh:
            cached = _parsed[path] = (version, yaml.load(fh, Loader=_CfnLoader))  # noqa: S506 - SafeLoader subclass
    return copy.deepcopy(cached[1])


@dataclass(frozen=True)
class Route:
    method: str  # GET, POST, ... or ANY; "$default" route has method "ANY" and path "$default"
    path: str  # /products/{id}
    function: str  # logical id

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class StreamSource:
    """A DynamoDB stream event source of a function (SAM ``Type: DynamoDB``)."""

    table: str  # logical id of the table whose stream it reads
    batch_size: int = 100
    batching_window: float = 0.0
    starting_position: str = "LATEST"
    max_retries: int = -1  # -1: until the record expires, as in AWS
    report_item_failures: bool = False
    filters: tuple[str, ...] = ()  # FilterCriteria patterns, JSON text


@dataclass(frozen=True)
class SqsSource:
    """An SQS event source of a function (SAM ``Type: SQS``; the queue is in the same template)."""

    queue: str  # logical id of the queue
    batch_size: int = 10
    batching_window: float = 0.0
    report_item_failures: bool = False
    max_concurrency: int = 2  # ScalingConfig.MaximumConcurrency (AWS: 2-1000; unset: as many as it scales to)


def _sqs_source(props: dict[str, Any]) -> SqsSource:
    queue = props["Queue"]
    if not (isinstance(queue, dict) and "Fn::GetAtt" in queue and queue["Fn::GetAtt"][1] == "Arn"):
        raise ValueError("the local stack reads SQS events whose Queue is !GetAtt <Queue>.Arn")
    scaling = props.get("ScalingConfig") or {}
    return SqsSource(
        queue=queue["Fn::GetAtt"][0],
        batch_size=int(props.get("BatchSize", 10)),
        batching_window=float(props.get("MaximumBatchingWindowInSeconds", 0)),
        report_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
        max_concurrency=int(scaling.get("MaximumConcurrency", 2)),
    )


@dataclass(frozen=True)
class S3Source:
    """An S3 event source of a function (SAM ``Type: S3``; the bucket is in the same template)."""

    name: str  # the event's name in the template (S3's configurationId)
    bucket: str  # logical id of the bucket
    events: tuple[str, ...]  # s3:ObjectCreated:* ...
    prefix: str = ""
    suffix: str = ""


def _s3_source(name: str, props: dict[str, Any]) -> S3Source:
    bucket = props["Bucket"]
    if not (isinstance(bucket, dict) and "Ref" in bucket):
        raise ValueError("the local stack reads S3 events whose Bucket is !Ref <a bucket of this template>")
    events = props["Events"] if isinstance(props["Events"], list) else [props["Events"]]
    rules = {r["Name"].lower(): r["Value"] for r in (props.get("Filter") or {}).get("S3Key", {}).get("Rules", [])}
    return S3Source(name, bucket["Ref"], tuple(events), rules.get("prefix", ""), rules.get("suffix", ""))


@dataclass
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    timeout: int
    memory: int
    environment: dict[str, Any]
    routes: list[Route] = field(default_factory=list)
    schedules: list[str] = field(default_factory=list)  # "rate(1 minute)", from Schedule events
    streams: list[StreamSource] = field(default_factory=list)  # from DynamoDB events
    s3: list[S3Source] = field(default_factory=list)  # from S3 events
    sqs: list[SqsSource] = field(default_factory=list)  # from SQS events

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


def load_module(spec: FunctionSpec, prefix: str = "fn") -> Any:
    """Import a function's handler module in this process, under a name of its own (every function's
    module is app.py), with the function's folder first on sys.path while it imports - as Lambda has
    /var/task - so a function's own modules (e.g. parse_address's address_parser) import as they do
    in Lambda."""
    import importlib.util
    import sys

    module_spec = importlib.util.spec_from_file_location(f"{prefix}_{spec.logical_id}", spec.code_uri / f"{spec.module}.py")
    assert module_spec and module_spec.loader
    module = importlib.util.module_from_spec(module_spec)
    sys.path.insert(0, str(spec.code_uri))
    try:
        module_spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(spec.code_uri))
    return module


def _stream_source(props: dict[str, Any]) -> StreamSource:
    stream = props["Stream"]
    if not (isinstance(stream, dict) and "Fn::GetAtt" in stream and stream["Fn::GetAtt"][1] == "StreamArn"):
        raise ValueError("the local stack reads streams given as !GetAtt <Table>.StreamArn")
    return StreamSource(
        table=stream["Fn::GetAtt"][0],
        batch_size=int(props.get("BatchSize", 100)),
        batching_window=float(props.get("MaximumBatchingWindowInSeconds", 0)),
        starting_position=str(props.get("StartingPosition", "LATEST")),
        max_retries=int(props.get("MaximumRetryAttempts", -1)),
        report_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
        filters=tuple(str(f["Pattern"]) for f in (props.get("FilterCriteria") or {}).get("Filters", [])),
    )


class Template:
    def __init__(self, path: Path = TEMPLATE) -> None:
        self.path = path
        self.raw = load(path)
        self.resources: dict[str, dict[str, Any]] = self.raw.get("Resources", {})
        self.globals: dict[str, Any] = self.raw.get("Globals", {}).get("Function", {})

    # ------------------------------------------------------------ parts
    def parameter_defaults(self) -> dict[str, Any]:
        return {name: p.get("Default") for name, p in self.raw.get("Parameters", {}).items()}

    def of_type(self, cfn_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v.get("Type") == cfn_type}

    def tables(self) -> dict[str, dict[str, Any]]:
        return {k: v["Properties"] for k, v in self.of_type("AWS::DynamoDB::Table").items()}

    def queues(self) -> dict[str, dict[str, Any]]:
        """The SQS queues: logical id -> Properties."""
        return {k: v.get("Properties") or {} for k, v in self.of_type("AWS::SQS::Queue").items()}

    def buckets(self) -> dict[str, dict[str, Any]]:
        return {k: v.get("Properties", {}) for k, v in self.of_type("AWS::S3::Bucket").items()}

    def functions(self) -> list[FunctionSpec]:
        specs = []
        for logical_id, res in self.of_type("AWS::Serverless::Function").items():
            props = {**self.globals, **res["Properties"]}
            env = dict(self.globals.get("Environment", {}).get("Variables", {}))
            env.update(res["Properties"].get("Environment", {}).get("Variables", {}))
            spec = FunctionSpec(
                logical_id=logical_id,
                code_uri=(self.path.parent / props["CodeUri"]).resolve(),
                handler=props["Handler"],
                timeout=int(props.get("Timeout", 3)),
                memory=int(props.get("MemorySize", 128)),
                environment=env,
            )
            for event_name, event in (res["Properties"].get("Events") or {}).items():
                if event.get("Type") == "S3":
                    spec.s3.append(_s3_source(event_name, event["Properties"]))
                    continue
                if event.get("Type") == "Schedule":
                    spec.schedules.append(str(event["Properties"]["Schedule"]))
                    continue
                if event.get("Type") == "DynamoDB":
                    spec.streams.append(_stream_source(event["Properties"]))
                    continue
                if event.get("Type") == "SQS":
                    spec.sqs.append(_sqs_source(event["Properties"]))
                    continue
                if event.get("Type") != "HttpApi":
                    continue
                ep = event.get("Properties") or {}
                if "Path" not in ep and "Method" not in ep:
                    spec.routes.append(Route("ANY", "$default", logical_id))
                else:
                    method = str(ep.get("Method", "ANY")).upper()
                    spec.routes.append(Route("ANY" if method in ("ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD") else method,
                                             ep["Path"], logical_id))
            specs.append(spec)
        return specs

    def routes(self) -> list[Route]:
        return [r for f in self.functions() for r in f.routes]

    # ------------------------------------------------------------ intrinsics
    def condition(self, name: str, refs: dict[str, Any]) -> bool:
        return bool(self.resolve(self.raw.get("Conditions", {})[name], refs))

    def resolve(self, value: Any, refs: dict[str, Any]) -> Any:
        """Evaluate intrinsics in ``value``. ``refs`` maps parameter names, resource logical ids,
        ``Logical.Attribute`` and pseudo parameters (``AWS::Region``) to local values."""
        if isinstance(value, list):
            return [self.resolve(v, refs) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {k: self.resolve(v, refs) for k, v in value.items()}
        (key, arg), = value.items()
        if key == "Ref":
            return refs[arg]
        if key == "Fn::GetAtt":
            return refs[".".join(arg)]
        if key == "Fn::Sub":
            text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1], refs))
            return re.sub(r"\$\{([^}!]+)\}", lambda m: str(extra.get(m.group(1), refs.get(m.group(1)))), text)
        if key == "Fn::If":
            name, then, otherwise = arg
            return self.resolve(then if self.condition(name, refs) else otherwise, refs)
        if key == "Fn::Equals":
            a, b = self.resolve(arg, refs)
            return a == b
        if key == "Fn::Not":
            return not self.resolve(arg[0], refs)
        if key == "Fn::And":
            return all(self.resolve(arg, refs))
        if key == "Fn::Or":
            return any(self.resolve(arg, refs))
        if key == "Fn::Select":
            index, items = self.resolve(arg, refs)
            return items[int(index)]
        if key == "Fn::Split":
            sep, text = self.resolve(arg, refs)
            return str(text).split(sep)
        if key == "Fn::Join":
            sep, parts = arg
            return sep.join(str(p) for p in self.resolve(parts, refs))
        if key == "Condition":
            return self.condition(arg, refs)
        return {key: self.resolve(arg, refs)}


def create_table_requests(template: Template, names: dict[str, str]) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """CreateTable arguments (and UpdateTimeToLive arguments, if any) for every table in the
    template, from the template's own definitions. ``names`` maps logical ids to table names."""
    requests = []
    for logical_id, props in template.tables().items():
        name = names[logical_id]
        args: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PROVISIONED"),
        }
        if args["BillingMode"] == "PROVISIONED":
            args["ProvisionedThroughput"] = props["ProvisionedThroughput"]
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if kind in props:
                args[kind] = [{k: v for k, v in idx.items() if k in ("IndexName", "KeySchema", "Projection")}
                              for idx in props[kind]]
        if "StreamSpecification" in props:
            args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        ttl = props.get("TimeToLiveSpecification")
        ttl_args = {"TableName": name, "TimeToLiveSpecification": ttl} if ttl else None
        requests.append((args, ttl_args))
    return requests


def create_tables(client: Any, template: Template, names: dict[str, str]) -> None:
    for args, ttl_args in create_table_requests(template, names):
        client.create_table(**args)
        if ttl_args:
            client.update_time_to_live(**ttl_args)


def local_table_names(template: Template, prefix: str = "minishop-local") -> dict[str, str]:
    return {logical_id: f"{prefix}-{logical_id}" for logical_id in template.tables()}
