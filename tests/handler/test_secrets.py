"""In AWS every credential comes from one Secrets Manager secret (SHOP_SECRET_ID), read once per
container and cached; the functions work the same as with environment variables."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.conftest import APP_SECRET, SESSION_PRIVATE_KEY
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("aws", "wechat")


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    arn = boto3.client("secretsmanager").create_secret(
        Name="minishop-test-credentials",
        SecretString=json.dumps({"wechat_app_secret": APP_SECRET, "session_private_key": SESSION_PRIVATE_KEY}),
    )["ARN"]
    monkeypatch.setenv("SHOP_SECRET_ID", arn)
    monkeypatch.delenv("WECHAT_APP_SECRET")
    monkeypatch.delenv("SESSION_PRIVATE_KEY")
    from shop import config

    config.reset()
    yield arn
    config.reset()


def test_login_and_me_with_credentials_from_secrets_manager(api: Api, secret: str) -> None:
    login = api.post("/auth/login", {"code": "secret-user"})
    assert login.status == 200, login.text
    assert api.get("/me", token=login.json["token"]).status == 200


def test_verifying_tokens_never_reads_the_secret(api: Api, secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    token = api.post("/auth/login", {"code": "no-secret-needed"}).json["token"]
    monkeypatch.setenv("SHOP_SECRET_ID", "arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist")
    from shop import config

    config.reset()
    assert api.get("/me", token=token).status == 200


def _count_secret_reads() -> list[str]:
    from shop import aws

    calls: list[str] = []
    aws.client("secretsmanager").meta.events.register(
        "before-send.secrets-manager.GetSecretValue", lambda **kw: calls.append("read"))
    return calls


def test_secret_is_read_once_per_container_and_cached(api: Api, secret: str) -> None:
    calls = _count_secret_reads()
    for i in range(3):
        assert api.post("/auth/login", {"code": f"cache-user-{i}"}).status == 200
    assert calls == ["read"]


def test_secret_is_read_again_after_its_max_age(api: Api, secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop import config

    calls = _count_secret_reads()
    now = [1000.0]
    monkeypatch.setattr(config.time, "monotonic", lambda: now[0])
    monkeypatch.setenv("SHOP_SECRET_MAX_AGE", "900")
    assert api.post("/auth/login", {"code": "rotation-0"}).status == 200
    now[0] += 899
    assert api.post("/auth/login", {"code": "rotation-1"}).status == 200
    assert calls == ["read"]
    now[0] += 2
    assert api.post("/auth/login", {"code": "rotation-2"}).status == 200
    assert calls == ["read", "read"]


def test_an_unreadable_secret_is_a_500(api: Api, secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_SECRET_ID", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone")
    reply = api.post("/auth/login", {"code": "no-secret"})
    assert (reply.status, reply.error_code) == (500, "internal_error")


def test_a_missing_key_in_the_secret_is_a_500(api: Api, secret: str) -> None:
    boto3.client("secretsmanager").put_secret_value(SecretId=secret, SecretString=json.dumps({"wechat_app_secret": APP_SECRET}))
    from shop import config

    config.reset()
    reply = api.post("/auth/login", {"code": "incomplete"})
    assert reply.status == 500
    assert reply.error_code == "internal_error"
