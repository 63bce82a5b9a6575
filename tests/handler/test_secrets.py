"""In AWS every credential comes from its Secrets Manager secret (split by need: the session key,
the merchant-token key, the WeChat AppSecret, the WeChat Pay credentials), each read once per
container and cached; the functions work the same as with environment variables."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.conftest import APP_SECRET, MERCHANT_TOKEN_PRIVATE_KEY, SESSION_PRIVATE_KEY
from tests.helpers import Api, context, load_function

pytestmark = pytest.mark.usefixtures("aws", "wechat")


def _put(monkeypatch: pytest.MonkeyPatch, variable: str, values: dict[str, str]) -> str:
    arn = boto3.client("secretsmanager").create_secret(Name=f"minishop-test-{variable.lower()}",
                                                       SecretString=json.dumps(values))["ARN"]
    monkeypatch.setenv(variable, arn)
    for name in values:
        monkeypatch.delenv(name.upper())
    return arn


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """The login function's two secrets; yields the session key's."""
    _put(monkeypatch, "WECHAT_SECRET_ID", {"wechat_app_secret": APP_SECRET})
    arn = _put(monkeypatch, "SESSION_KEY_SECRET_ID", {"session_private_key": SESSION_PRIVATE_KEY})
    from shop.adapters import config

    config.reset()
    yield arn
    config.reset()


def test_login_and_me_with_credentials_from_secrets_manager(api: Api, secret: str) -> None:
    login = api.post("/auth/login", {"code": "secret-user"})
    assert login.status == 200, login.text
    assert api.get("/me", token=login.json["token"]).status == 200


def test_verifying_tokens_never_reads_the_secret(api: Api, secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    token = api.post("/auth/login", {"code": "no-secret-needed"}).json["token"]
    for variable in ("SESSION_KEY_SECRET_ID", "WECHAT_SECRET_ID"):
        monkeypatch.setenv(variable, "arn:aws:secretsmanager:us-east-1:123456789012:secret:does-not-exist")
    from shop.adapters import config

    config.reset()
    assert api.get("/me", token=token).status == 200


def _count_secret_reads() -> list[str]:
    from shop.adapters import aws

    calls: list[str] = []
    aws.client("secretsmanager").meta.events.register(
        "before-send.secrets-manager.GetSecretValue", lambda **kw: calls.append("read"))
    return calls


def test_secret_is_read_once_per_container_and_cached(api: Api, secret: str) -> None:
    calls = _count_secret_reads()
    for i in range(3):
        assert api.post("/auth/login", {"code": f"cache-user-{i}"}).status == 200
    assert calls == ["read", "read"]  # the session key's secret and the AppSecret's, once each


def test_secret_is_read_again_after_its_max_age(api: Api, secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.adapters import config

    calls = _count_secret_reads()
    now = [1000.0]
    monkeypatch.setattr(config.time, "monotonic", lambda: now[0])
    monkeypatch.setenv("SHOP_SECRET_MAX_AGE", "900")
    assert api.post("/auth/login", {"code": "rotation-0"}).status == 200
    now[0] += 899
    assert api.post("/auth/login", {"code": "rotation-1"}).status == 200
    assert calls == ["read", "read"]
    now[0] += 2
    assert api.post("/auth/login", {"code": "rotation-2"}).status == 200
    assert calls == ["read"] * 4


def test_an_unreadable_secret_is_a_500(api: Api, secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_KEY_SECRET_ID", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone")
    reply = api.post("/auth/login", {"code": "no-secret"})
    assert (reply.status, reply.error_code) == (500, "internal_error")


def test_a_missing_key_in_the_secret_is_a_500(api: Api, secret: str) -> None:
    boto3.client("secretsmanager").put_secret_value(SecretId=secret, SecretString=json.dumps({"another_key": "x"}))
    from shop.adapters import config

    config.reset()
    reply = api.post("/auth/login", {"code": "incomplete"})
    assert reply.status == 500
    assert reply.error_code == "internal_error"


def test_merchant_tokens_are_signed_with_the_key_from_their_own_secret(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    _put(monkeypatch, "MERCHANT_TOKEN_SECRET_ID", {"merchant_token_private_key": MERCHANT_TOKEN_PRIVATE_KEY})
    from shop.adapters import config

    config.reset()
    issued = load_function("MerchantTokensFunction").lambda_handler({"merchant": "owner"}, context("MerchantTokensFunction"))
    assert api.get("/admin/coupons", token=issued["token"]).status == 200
