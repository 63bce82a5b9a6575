from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from infra.local.template import Template, create_tables, local_table_names
from infra.local.wechat_sim import WeChatSimulator
from tests.helpers import Api

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
    "SESSION_PUBLIC_KEY": SESSION_PUBLIC_KEY,
    "WECHAT_HTTP_TIMEOUT_SECONDS": "1",
}


@pytest.fixture(scope="session")
def template() -> Template:
    return Template()


def _set_base_env(mp: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith(("AWS_", "SHOP_", "WECHAT", "SESSION_"))]:
        mp.delenv(key)
    for key, value in BASE_ENV.items():
        mp.setenv(key, value)


@contextmanager
def _moto_tables(mp: pytest.MonkeyPatch, template: Template) -> Iterator[dict[str, str]]:
    """moto in-process, with the template's own table definitions."""
    import boto3
    from moto import mock_aws

    from shop import aws, config

    names = local_table_names(template, prefix="test")
    with mock_aws():
        create_tables(boto3.client("dynamodb"), template, names)
        mp.setenv("SHOP_TABLE_NAME", names["ShopTable"])
        aws.reset()
        config.reset()
        yield names
        aws.reset()
        config.reset()


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
    from infra.seed.demo_shop import seed

    with pytest.MonkeyPatch.context() as mp:
        _set_base_env(mp)
        with _moto_tables(mp, template) as names:
            seed()
            yield names


@pytest.fixture
def wechat(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[WeChatSimulator]:
    sim = WeChatSimulator(app_id=APP_ID, app_secret=APP_SECRET).start()
    monkeypatch.setenv("WECHAT_API_BASE_URL", sim.url)
    yield sim
    sim.stop()


@pytest.fixture
def seeded(aws: dict[str, str]) -> dict[str, str]:
    from infra.seed.demo_shop import seed

    seed()
    return aws


@pytest.fixture
def app_logs() -> Iterator[io.StringIO]:
    """Everything the shop's Logger writes during the test, as the function would print it."""
    from shop.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)
    yield stream
    logger._logger.removeHandler(handler)


@pytest.fixture
def api(template: Template) -> Api:
    return Api(template)
