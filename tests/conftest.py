from __future__ import annotations

import io
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from infra.local.template import Template, create_tables, local_table_names
from infra.local.wechat_sim import WeChatSimulator
from tests.helpers import Api, moto_table

APP_ID = "wx1234567890abcdef"
APP_SECRET = "test-app-secret-0123456789abcdef"


def rsa_pair() -> tuple[str, str]:
    """A fresh RSA key pair: (PKCS#8 PEM private key, SPKI PEM public key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


SESSION_PRIVATE_KEY, SESSION_PUBLIC_KEY = rsa_pair()
MERCHANT_TOKEN_PRIVATE_KEY, MERCHANT_TOKEN_PUBLIC_KEY = rsa_pair()
MERCHANT_PRIVATE_KEY, MERCHANT_PUBLIC_KEY = rsa_pair()
PLATFORM_PRIVATE_KEY, PLATFORM_PUBLIC_KEY = rsa_pair()
MCH_ID = "1900000109"
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092025010100000000000001"
APIV3_KEY = "0123456789abcdefghijABCDEFGHIJ01"

# Lambda sets the environment before the handler module is imported; the shared Logger and Metrics
# read theirs at import, so set them before any test imports the shop package.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "minishop")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "MiniShop")

BASE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "minishop",
    "POWERTOOLS_METRICS_NAMESPACE": "MiniShop",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "WECHAT_APP_ID": APP_ID,
    "WECHAT_APP_SECRET": APP_SECRET,
    "SESSION_PRIVATE_KEY": SESSION_PRIVATE_KEY,
    "SESSION_PUBLIC_KEYS": SESSION_PUBLIC_KEY,
    "MERCHANT_TOKEN_PRIVATE_KEY": MERCHANT_TOKEN_PRIVATE_KEY,
    "MERCHANT_TOKEN_PUBLIC_KEYS": MERCHANT_TOKEN_PUBLIC_KEY,
    "WECHAT_HTTP_TIMEOUT_SECONDS": "1",
    "WECHATPAY_MCH_ID": MCH_ID,
    "WECHATPAY_MERCHANT_SERIAL_NO": MERCHANT_SERIAL,
    "WECHATPAY_MERCHANT_PRIVATE_KEY": MERCHANT_PRIVATE_KEY,
    "WECHATPAY_APIV3_KEY": APIV3_KEY,
    "WECHATPAY_PUBLIC_KEY_ID": PUBLIC_KEY_ID,
    "WECHATPAY_PUBLIC_KEY": PLATFORM_PUBLIC_KEY,
    "ORDER_PAYMENT_TIMEOUT_SECONDS": "900",
    "ORDER_AUTO_COMPLETE_DAYS": "10",
    "TIMERS_MAX_EVENT_SKEW_SECONDS": "315360000",
}


@pytest.fixture(scope="session")
def template() -> Template:
    return Template()


# ---------------------------------------------------------------- least privilege (tests/least_privilege.py)
_deselected: list[pytest.Item] = []


def pytest_configure(config: pytest.Config) -> None:
    from tests import least_privilege

    least_privilege.install(Template())
    _one_metrics_flush_at_a_time()


def _one_metrics_flush_at_a_time() -> None:
    """Lambda runs one invocation per process, so Powertools keeps one metric set per process and
    does not guard it: its flush checks the set is not empty, then serializes it. Tests that run a
    handler from two threads in one process (a repeated event delivered twice at once) could see the
    other thread's flush empty the set between those steps and fail with "Must contain at least one
    metric". Adding and flushing are made one at a time here, as they are within a Lambda process;
    the local stack runs each concurrent invocation in its own worker process and needs nothing."""
    import functools

    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

    lock = threading.RLock()
    for name in ("add_metric", "flush_metrics"):
        original = getattr(AmazonCloudWatchEMFProvider, name)

        @functools.wraps(original)
        def guarded(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(*args, **kwargs)

        setattr(AmazonCloudWatchEMFProvider, name, guarded)


def pytest_deselected(items: list[pytest.Item]) -> None:
    _deselected.extend(items)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The least-privilege check judges what every other test recorded, so it runs last."""
    last = [item for item in items if item.path.name == "test_least_privilege.py" and item.path.parent.name == "handler"]
    for item in last:
        items.remove(item)
    items.extend(last)


def pytest_collection_finish(session: pytest.Session) -> None:
    from tests import least_privilege

    least_privilege.note_collection(session.items, _deselected, list(session.config.args))


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests import least_privilege

    if path := os.environ.get("MINISHOP_RECORD_ACTIONS"):
        least_privilege.dump(path)


def _set_base_env(mp: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith(("AWS_", "SHOP_", "WECHAT", "SESSION_", "MERCHANT_"))]:
        mp.delenv(key)
    for key, value in BASE_ENV.items():
        mp.setenv(key, value)


@contextmanager
def _moto_tables(mp: pytest.MonkeyPatch, template: Template) -> Iterator[dict[str, str]]:
    """moto in-process, with the template's own table definitions."""
    import boto3
    from moto import mock_aws

    from shop.adapters import aws, config
    from shop.buying import settings

    from infra.local.motoserver import roll_back_touched_items

    roll_back_touched_items()
    names = local_table_names(template, prefix="test")
    with mock_aws():
        create_tables(boto3.client("dynamodb"), template, names)
        mp.setenv("SHOP_TABLE_NAME", names["ShopTable"])
        aws.reset()
        config.reset()
        settings.reset()  # the shop settings' per-container cache (shop.buying.settings)
        yield names
        aws.reset()
        config.reset()
        settings.reset()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    _set_base_env(monkeypatch)
    return BASE_ENV


@pytest.fixture
def aws(env: dict[str, str], template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with _moto_tables(monkeypatch, template) as names:
        yield names


@pytest.fixture(scope="module")
def seeded_module(template: Template) -> Iterator[dict[str, str]]:
    """The demo shop, seeded once for a module of tests that only read it."""
    with pytest.MonkeyPatch.context() as mp:
        _set_base_env(mp)
        with _moto_tables(mp, template) as names:
            _seed(names)
            yield names


@pytest.fixture
def wechat(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[WeChatSimulator]:
    """The WeChat simulator, WeChat Pay included. Notifications go to a sink (``wechat.sink``) that
    tests hand to POST /pay/notify; refunds settle only when a test says so."""
    from infra.local.wechatpay_sim import WeChatPaySimulator
    from tests.helpers import NotifySink

    pay = WeChatPaySimulator(app_id=APP_ID, mch_id=MCH_ID, merchant_serial_no=MERCHANT_SERIAL,
                             merchant_public_key_pem=MERCHANT_PUBLIC_KEY, platform_private_key_pem=PLATFORM_PRIVATE_KEY,
                             public_key_id=PUBLIC_KEY_ID, apiv3_key=APIV3_KEY, retry_scale=0.001, refund_delay=-1)
    sim = WeChatSimulator(app_id=APP_ID, app_secret=APP_SECRET, pay=pay).start()
    sink = NotifySink()
    sim.sink = sink  # type: ignore[attr-defined]
    monkeypatch.setenv("WECHAT_API_BASE_URL", sim.url)
    monkeypatch.setenv("WECHATPAY_API_BASE_URL", sim.url)
    monkeypatch.setenv("PAY_NOTIFY_URL", sink.url)
    yield sim
    sim.stop()
    sink.stop()


_seed_snapshot: dict[str, tuple[Any, Any]] = {}


def _seed(names: dict[str, str]) -> None:
    """The demo shop (infra.seed.demo_shop.seed) in this test's fresh tables. Seeding is 1.5 s of moto
    writes and comes out the same for every test, so it runs once per session; each later test gets
    a copy of what it wrote - the items and the stream records, exactly as if seed() had run again."""
    import copy

    if not _seed_snapshot:
        from infra.seed.demo_shop import seed

        seed()
        for name in names.values():
            table = moto_table(name)
            _seed_snapshot[name] = (copy.deepcopy(table.items),
                                    copy.deepcopy(table.stream_shard.items) if table.stream_shard else None)
        return
    for name, (items, stream) in _seed_snapshot.items():
        table = moto_table(name)
        table.items = copy.deepcopy(items)
        if table.stream_shard is not None and stream is not None:
            table.stream_shard.items = copy.deepcopy(stream)


@pytest.fixture
def seeded(aws: dict[str, str]) -> dict[str, str]:
    _seed(aws)
    return aws


@pytest.fixture
def app_logs() -> Iterator[io.StringIO]:
    """Everything the shop's Logger writes during the test, as the function would print it."""
    from shop.adapters.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)
    yield stream
    logger._logger.removeHandler(handler)


@pytest.fixture
def api(template: Template) -> Api:
    return Api(template)


@pytest.fixture
def serialized_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each request atomically; the tests' in-process moto does not guard its
    condition checks against threads, so each call is made one at a time, as the service would
    (the local stack's moto server does the same: infra/local/motoserver.py)."""
    from botocore.client import BaseClient

    lock = threading.Lock()
    original = BaseClient._make_api_call

    def one_at_a_time(self, operation, params):  # noqa: ANN001, ANN202
        if self.meta.service_model.service_name != "dynamodb":
            return original(self, operation, params)
        with lock:
            return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", one_at_a_time)
