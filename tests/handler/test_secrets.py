"""In AWS every credential comes from one Secrets Manager secret (SHOP_SECRET_ID), read through
Powertools parameters and cached; the functions work the same as with environment variables."""

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


def test_secret_is_read_once_and_cached(api: Api, secret: str) -> None:
    calls = []
    from aws_lambda_powertools.utilities.parameters import secrets as provider_module

    original = provider_module.SecretsProvider._get

    def counting(self, name, **kwargs):
        calls.append(name)
        return original(self, name, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(provider_module.SecretsProvider, "_get", counting)
        token = api.post("/auth/login", {"code": "cache-user"}).json["token"]
        for _ in range(3):
            assert api.get("/me", token=token).status == 200
    assert calls == [secret]


def test_a_missing_key_in_the_secret_is_a_500(api: Api, secret: str) -> None:
    boto3.client("secretsmanager").put_secret_value(SecretId=secret, SecretString=json.dumps({"wechat_app_secret": APP_SECRET}))
    from shop import config

    config.reset()
    reply = api.post("/auth/login", {"code": "incomplete"})
    assert reply.status == 500
    assert reply.error_code == "internal_error"
