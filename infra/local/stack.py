"""The whole local stack in one object: moto (DynamoDB), tables from template.yaml, the demo shop,
the WeChat simulator, and the gateway with its Lambda workers. `make dev`, the end-to-end tests and
the benchmarks all start it the same way.

Hot-partition mode (infra/local/hotpartition.py): moto serves one request at a time, so every write
to one item succeeds however many arrive at once, and two transactions on one item run one after
the other. In DynamoDB one item takes about 1,000 write units a second (2 per item of a
transaction), and a transaction that touches an item another transaction is writing is cancelled
(TransactionConflict). With the mode on, a middleware in front of moto, outside its one lock, does
the same: each TransactWriteItems holds its items for a prepare window, and a concurrent
transaction on one of them is cancelled (a single write to it gets TransactionConflictException);
each item has a token bucket of ``rate`` write units a second, beyond which writes are throttled
(ProvisionedThroughputExceededException; ThrottlingError in a transaction's CancellationReasons;
UnprocessedItems in a batch). A design that only works because moto is serial then fails locally,
as it would under a flash sale. Off by default (nothing parsed); ``hot_partition=`` (or, when not
given, ``SHOP_LOCAL_HOT_PARTITION``; devstack ``--hot-partition``) takes settings such as ``on``,
``rate=50`` or ``rate=50,window_ms=15`` (comma-separated; ``rate`` 0: no limit; defaults
rate=1000, window_ms=15). At run time ``GET /_local/hot-partition`` answers the settings and the
counters (transactions, writes, conflicts, throttles...) and ``POST /_local/hot-partition`` with
``{"enabled": true, "rate": 50, "window_ms": 15, "reset": true}`` (any of them) changes them, so a
test can turn it on for itself."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any, TextIO

from infra.local import credentials, firehose
from infra.local.edge import ConsoleEdge, Upstream, security_headers
from infra.local.gateway import LAYER_PATH, FunctionFailed, Gateway
from infra.local.hotpartition import ENV_VAR as HOT_PARTITION_ENV
from infra.local.hotpartition import HotPartition, Settings, parse_settings
from infra.local.motoserver import MotoServer
from infra.local.s3events import S3Front, S3Notifications, create_buckets, local_bucket_names
from infra.local.sqs import Queues, create_queues, local_queue_names
from infra.local.sqs import refs as queue_refs
from infra.local.streams import FunctionFailure, Streams
from infra.local.template import FunctionSpec, Template, create_tables, local_table_names
from infra.local.wechat_sim import WeChatSimulator
from infra.local.wechatpay_sim import WeChatPaySimulator

REGION = "us-east-1"
STACK_NAME = "minishop-local"
CONSOLE_DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
SHOP_H5_DIST = Path(__file__).resolve().parents[2] / "miniprogram" / "dist" / "build" / "h5"
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def aws_environment(endpoint: str) -> dict[str, str]:
    """What makes boto3 talk to moto: an endpoint and fake credentials. Configuration only."""
    return {**FAKE_AWS, "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}


class LocalStack:
    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 3000, wechat_port: int = 0, moto_port: int = 0, seed: bool = True,
        max_concurrency: int = 10, function_log: TextIO | None = None, access_log: TextIO | None = sys.stderr,
        credentials_dir: Path = credentials.DEV_DIR, template: Template | None = None,
        secrets_manager: bool = False, pay_retry_scale: float = 1 / 60, refund_delay: float = 1.0,
        console_port: int | None = None, console_root: Path | None = None, shop_port: int | None = None,
        shop_root: Path | None = None, hot_partition: str | Settings | None = None,
    ) -> None:
        """``secrets_manager``: put the credentials into the template's secrets in moto and give the
        functions the secret ids the template gives them, as in AWS, instead of credential
        environment variables. ``hot_partition``: the hot-partition mode's settings (see above);
        None: ``SHOP_LOCAL_HOT_PARTITION``, off when that is unset."""
        self.host, self.port, self.wechat_port, self.moto_port = host, port, wechat_port, moto_port
        self.seed_data = seed
        self.max_concurrency = max_concurrency
        self.function_log, self.access_log = function_log, access_log
        self.credentials_dir = credentials_dir
        self.secrets_manager = secrets_manager
        # WeChat Pay retries a failed notification after 15 s, 15 s, 30 s, 3 min...: scaled down locally
        self.pay_retry_scale, self.refund_delay = pay_retry_scale, refund_delay
        self.secret_arns: dict[str, str] = {}
        # the console's distribution (infra/local/edge.py), when a port is given: make dev
        self.console_port, self.console_root = console_port, console_root or CONSOLE_DIST
        self.console: ConsoleEdge | None = None
        # the shop front end's H5 build (miniprogram/), its API calls under /api/: make dev, browser tests
        self.shop_port, self.shop_root = shop_port, shop_root or SHOP_H5_DIST
        self.shop: ConsoleEdge | None = None
        self.template = template or Template()
        self.table_names = local_table_names(self.template)
        self.bucket_names = local_bucket_names(self.template)
        self.delivery_streams = firehose.local_stream_names(self.template)
        self.s3_events: S3Notifications | None = None
        self.creds: dict[str, Any] = {}
        self.moto: MotoServer | None = None
        self.wechat: WeChatSimulator | None = None
        self.gateway: Gateway | None = None
        self.streams: Streams | None = None
        self.queue_names = local_queue_names(self.template)
        self.queue_urls: dict[str, str] = {}
        self.queues: Queues | None = None
        if hot_partition is None:
            hot_partition = os.environ.get(HOT_PARTITION_ENV)
        self.hot_partition_settings = (hot_partition if isinstance(hot_partition, Settings)
                                       else parse_settings(hot_partition))
        # in front of moto whether on or not, so /_local/hot-partition can turn it on at run time
        self.hot_partition: HotPartition | None = None

    # ------------------------------------------------------------ configuration
    def refs(self) -> dict[str, Any]:
        """Local values for the template's Refs: parameters, tables, pseudo parameters."""
        return {
            **self.template.parameter_defaults(),
            **self.table_names,
            **self.bucket_names,
            **{f"{logical_id}.Arn": f"arn:aws:s3:::{name}" for logical_id, name in self.bucket_names.items()},
            **self.cdn_domains(),
            **self.bucket_domains(),
            **firehose.refs(self.delivery_streams, REGION, "123456789012"),
            **queue_refs(self.queue_names, self.queue_urls),
            **{name: self.secret_arns.get(name, "") for name in credentials.SECRETS},
            "AWS::Region": REGION,
            "AWS::StackName": STACK_NAME,
            "AWS::Partition": "aws",
            "AWS::AccountId": "123456789012",
            "AWS::URLSuffix": "amazonaws.com",
        }

    def function_environment(self, spec: FunctionSpec, api_url: str | None = None) -> dict[str, str]:
        """The environment Lambda would give ``spec``, pointed at the local endpoints."""
        assert self.moto and self.wechat
        env = {k: str(v) for k, v in self.template.resolve(spec.environment, self.refs()).items()}
        for name, value in env.items():  # a CDN domain is moto's bucket URL here, served over http
            if any(value.startswith(f"https://{domain}") for domain in self.cdn_domains().values()):
                env[name] = "http://" + value.removeprefix("https://")
        creds = credentials.function_environment(self.creds, self.credentials_dir)
        if self.secret_arns:
            # as in AWS: credentials only through their secrets, and only where the template says so
            env.update({k: v for k, v in creds.items() if k.lower() not in credentials.SECRET_KEYS})
        else:
            for variable in credentials.SECRET_VARIABLES:
                env.pop(variable, None)
            env.update(creds)
        env.update(aws_environment(self.moto.url))
        env.update(
            {
                "WECHAT_API_BASE_URL": self.wechat.url,
                "WECHATPAY_API_BASE_URL": self.wechat.url,
                # WeChat Pay (the simulator) calls back the local API over plain http
                "PAY_NOTIFY_URL": f"{api_url or 'http://127.0.0.1:3000'}/pay/notify",
                # tests move time forward by sending the timers function events from the future
                "TIMERS_MAX_EVENT_SKEW_SECONDS": str(10 * 365 * 86400),
                "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/minishop/{STACK_NAME}/{spec.logical_id}",
                "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
                "LAMBDA_TASK_ROOT": str(spec.code_uri),
                "LOCAL_LAYER_PATH": str(LAYER_PATH),
                "LOCAL_FUNCTION_TIMEOUT": str(spec.timeout),
                "_HANDLER": spec.handler,
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "LANG": "C.UTF-8",
                "TZ": "UTC",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def cdn_origins(self) -> dict[str, str]:
        """bucket logical id -> the CloudFront distribution of the template that serves it."""
        out = {}
        for logical_id, res in self.template.of_type("AWS::CloudFront::Distribution").items():
            for origin in res["Properties"]["DistributionConfig"].get("Origins", []):
                domain = origin.get("DomainName")
                if isinstance(domain, dict) and domain.get("Fn::GetAtt", [None])[0] in self.bucket_names:
                    out[domain["Fn::GetAtt"][0]] = logical_id
        return out

    def cdn_domains(self) -> dict[str, str]:
        """``<Distribution>.DomainName`` of each CloudFront distribution whose origin is a bucket of the
        template: locally, that bucket's path on moto, where the S3 front serves its objects to
        anyone as the distribution would (http://<moto>/<bucket>/<key>)."""
        if not self.moto:
            return {}
        host = self.moto.url.removeprefix("http://")
        return {f"{dist}.DomainName": f"{host}/{self.bucket_names[bucket]}" for bucket, dist in self.cdn_origins().items()}

    def bucket_domains(self) -> dict[str, str]:
        """``<Bucket>.RegionalDomainName``: locally the bucket's path on moto, where browsers POST."""
        if not self.moto:
            return {}
        host = self.moto.url.removeprefix("http://")
        return {f"{logical_id}.RegionalDomainName": f"{host}/{name}" for logical_id, name in self.bucket_names.items()}

    def console_headers(self) -> dict[str, str]:
        """ConsoleHeadersPolicy of the template, resolved for the local stack (its CDN and bucket
        hosts are moto's, over http)."""
        assert self.moto
        (policy,) = self.template.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
        config = self.template.resolve(policy["Properties"]["ResponseHeadersPolicyConfig"], self.refs())
        headers = security_headers(config)
        host = self.moto.url.removeprefix("http://")
        return {k: v.replace(f"https://{host}", f"http://{host}") for k, v in headers.items()}

    # ------------------------------------------------------------ lifecycle
    def start(self) -> LocalStack:
        self.start_backends()
        self.gateway = Gateway(
            self.template.functions(), self.function_environment, host=self.host, port=self.port,
            max_concurrency=self.max_concurrency, log=self.function_log, access_log=self.access_log,
        ).start()
        self.streams = Streams.for_functions(
            self.template.functions(), table_names=self.table_names, dynamodb=self.aws_client("dynamodb"),
            streams=self.aws_client("dynamodbstreams"), invoke=self._invoke_for_stream,
        ).start()
        self.gateway.controls["POST /_local/streams/drain"] = self._drain_control
        self.gateway.controls["GET /_local/streams"] = lambda _body: (200, self.streams.status() if self.streams else [])
        self.queues = Queues.for_functions(
            self.template.functions(), names=self.queue_names, urls=self.queue_urls, client=self.aws_client("sqs"),
            invoke=self._invoke_for_stream,
        ).start()
        self.gateway.controls["POST /_local/queues/drain"] = self._drain_queues_control
        self.gateway.controls["GET /_local/queues"] = lambda _body: (200, self.queues.status() if self.queues else [])
        if self.hot_partition is not None:
            hot = self.hot_partition
            self.gateway.controls["GET /_local/hot-partition"] = lambda _body: (200, hot.status())
            self.gateway.controls["POST /_local/hot-partition"] = hot.control
        if self.console_port is not None:
            if not (self.console_root / "index.html").is_file():
                raise OSError(f"no built console in {self.console_root} (make console builds it)")
            self.console = ConsoleEdge(self.console_root, self.gateway.url, self.console_headers(), host=self.host,
                                       port=self.console_port).start()
        if self.shop_port is not None:
            if not (self.shop_root / "index.html").is_file():
                raise OSError(f"no H5 build of the shop in {self.shop_root} (make miniprogram builds it)")
            assert self.wechat
            self.shop = ConsoleEdge(self.shop_root, self.gateway.url, {"X-Content-Type-Options": "nosniff"},
                                    host=self.host, port=self.shop_port,
                                    upstreams=[Upstream("/api/", self.gateway.url, strip=True),
                                               Upstream("/sim/", self.wechat.url, strip=True)]).start()
        if self.s3_events:
            self.s3_events.start()
            self.gateway.controls["POST /_local/s3/drain"] = self._drain_s3_control
            self.gateway.controls["GET /_local/s3"] = lambda _body: (200, self.s3_events.status() if self.s3_events else {})
        return self

    def _invoke_for_s3(self, function: str, event: dict[str, Any]) -> Any:
        if self.gateway is None:
            raise FunctionFailed("the gateway is not running")
        return self.gateway.pools[function].invoke(event, str(uuid.uuid4()))

    def drain_s3(self, timeout: float = 30.0) -> bool:
        """Wait until the functions S3 notifies have handled every object stored so far."""
        return self.s3_events.drain(timeout) if self.s3_events else True

    def _drain_s3_control(self, body: bytes) -> tuple[int, Any]:
        drained = self.drain_s3()
        return (200 if drained else 504), {"drained": drained, **(self.s3_events.status() if self.s3_events else {})}

    def aws_client(self, service: str) -> Any:
        import boto3

        assert self.moto
        return boto3.client(service, endpoint_url=self.moto.url, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def _invoke_for_stream(self, function: str, event: dict[str, Any]) -> Any:
        assert self.gateway
        try:
            return self.gateway.pools[function].invoke(event, str(uuid.uuid4()))
        except FunctionFailed as exc:
            raise FunctionFailure(str(exc)) from exc

    def drain_streams(self, timeout: float = 30.0) -> bool:
        """Wait until the stream consumers have handled every change made so far."""
        return self.streams.drain(timeout) if self.streams else True

    def _drain_control(self, body: bytes) -> tuple[int, Any]:
        drained = self.drain_streams()
        return (200 if drained else 504), {"drained": drained, "streams": self.streams.status() if self.streams else []}

    def drain_queues(self, timeout: float = 30.0) -> bool:
        """Wait until the queue consumers have handled every message sent so far."""
        return self.queues.drain(timeout) if self.queues else True

    def _drain_queues_control(self, body: bytes) -> tuple[int, Any]:
        drained = self.drain_queues()
        return (200 if drained else 504), {"drained": drained, "queues": self.queues.status() if self.queues else []}

    def start_backends(self) -> LocalStack:
        """Everything but the gateway: moto with the template's tables (seeded), the simulator."""
        self.creds = credentials.ensure(self.credentials_dir)
        # S3 event notifications go to the template's functions once the gateway runs (start())
        self.s3_events = S3Notifications(self.template.functions(), self.bucket_names, self._invoke_for_s3)
        secrets = {FAKE_AWS["AWS_ACCESS_KEY_ID"]: FAKE_AWS["AWS_SECRET_ACCESS_KEY"]}
        cdn_buckets = {self.bucket_names[b] for b in self.cdn_origins()}
        self.moto = MotoServer(port=self.moto_port, wrap=lambda app: S3Front(
            app, secrets=secrets, on_created=self.s3_events, cdn_buckets=cdn_buckets),
            outer=self._hot_partition_middleware).start()
        create_tables(self.aws_client("dynamodb"), self.template, self.table_names)
        create_buckets(self.aws_client("s3"), self.template, self.bucket_names)
        firehose.create_streams(self.aws_client("firehose"), self.template, self.delivery_streams, self.bucket_names)
        self.queue_urls.update(create_queues(self.aws_client("sqs"), self.template, self.queue_names))
        if self.secrets_manager:
            self.secret_arns = self._create_secrets()
        if self.seed_data:
            self.seed()
        if self.hot_partition is not None and self.hot_partition_settings.enabled:
            self.hot_partition.configure(enabled=True)  # after the tables and the seed: setting up is no flash sale
        self.wechat = WeChatSimulator(app_id=self.creds["wechat_app_id"], app_secret=self.creds["wechat_app_secret"],
                                      port=self.wechat_port, pay=self.pay_simulator()).start()
        # the message push the simulator sends to /wechat/push is signed with the shop's push secret
        self.wechat.shipping.push_token = self.creds.get("wechat_push_token")
        self.wechat.shipping.push_aes_key = self.creds.get("wechat_push_aes_key")
        return self

    def _hot_partition_middleware(self, app: Any) -> HotPartition:
        self.hot_partition = HotPartition(app, dataclasses.replace(self.hot_partition_settings, enabled=False))
        return self.hot_partition

    def pay_simulator(self) -> WeChatPaySimulator:
        d = self.credentials_dir
        return WeChatPaySimulator(
            app_id=self.creds["wechat_app_id"],
            mch_id=self.creds["wechatpay_mch_id"],
            merchant_serial_no=self.creds["wechatpay_merchant_serial_no"],
            merchant_public_key_pem=(d / "merchant_public_key.pem").read_text("ascii"),
            platform_private_key_pem=(d / "wechatpay_private_key.pem").read_text("ascii"),
            public_key_id=self.creds["wechatpay_public_key_id"],
            apiv3_key=self.creds["wechatpay_apiv3_key"],
            retry_scale=self.pay_retry_scale,
            refund_delay=self.refund_delay,
        )

    def _create_secrets(self) -> dict[str, str]:
        values = credentials.function_environment(self.creds, self.credentials_dir)
        client = self.aws_client("secretsmanager")
        return {
            name: client.create_secret(Name=f"{STACK_NAME}/{name}",
                                       SecretString=json.dumps({k: values[k.upper()] for k in keys}))["ARN"]
            for name, keys in credentials.SECRETS.items()
        }

    def seed(self) -> tuple[int, int]:
        """Seed the demo shop through the domain code, in this process, against moto."""
        assert self.moto
        if str(LAYER_PATH) not in sys.path:
            sys.path.insert(0, str(LAYER_PATH))
        os.environ.update(aws_environment(self.moto.url))
        os.environ["SHOP_TABLE_NAME"] = self.table_names["ShopTable"]
        from infra.seed.demo_shop import seed
        from shop.adapters import aws

        aws.reset()
        return seed()

    @property
    def url(self) -> str:
        assert self.gateway
        return self.gateway.url

    def stop(self) -> None:
        for part in (self.shop, self.console, self.streams, self.queues, self.s3_events, self.gateway, self.wechat, self.moto):
            if part is not None:
                part.stop()
