"""Configuration. Every external base URL and every credential is read through this module.

- Plain settings (base URLs, the AppID, table names, TTLs) are environment variables, set by
  template.yaml in AWS and by the local stack on a developer's machine.
- Credentials live in four Secrets Manager secrets (JSON objects), split by who needs them, so each
  function can read only the credentials it uses (template.yaml grants each secret to those
  functions alone):

    SESSION_KEY_SECRET_ID     session_private_key          login
    MERCHANT_TOKEN_SECRET_ID  merchant_token_private_key   the merchant-token issuer
    WECHAT_SECRET_ID          wechat_app_secret            login, the share code
    WECHATPAY_SECRET_ID       wechatpay_*                  the functions that call WeChat Pay
    WECHAT_PUSH_SECRET_ID     wechat_push_token, wechat_push_aes_key   the message push endpoint

  A credential is read from its secret when the function has that secret's id in the environment
  (the deployed stack), fetched once per container and cached for ``SHOP_SECRET_MAX_AGE`` seconds.
  Without it the credential comes from the environment variable of the same name in upper case
  (``wechat_app_secret`` -> ``WECHAT_APP_SECRET``): the local stack and the tests.

The secret is read with the shared botocore client (shop.adapters.aws), not Powertools parameters: importing
``aws_lambda_powertools.utilities.parameters`` loads boto3 and every provider (SSM, AppConfig,
DynamoDB); in the login function that measured +0.08x of the cold-start floor, the margin login has
under its 1.5x target. The behaviour is the same: one GetSecretValue per container, a max age, the
JSON parsed once.

docs/configuration.md lists every name.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from shop.core.errors import ConfigurationError

DEFAULTS = {
    "WECHAT_API_BASE_URL": "https://api.weixin.qq.com",
    "WECHATPAY_API_BASE_URL": "https://api.mch.weixin.qq.com",
    "SESSION_TTL_SECONDS": "604800",
    "MERCHANT_TOKEN_TTL_SECONDS": "28800",
    "SHOP_SECRET_MAX_AGE": "900",
    "WECHAT_HTTP_TIMEOUT_SECONDS": "3",
    "WECHAT_ENV_VERSION": "release",
    # after-sales and refunds (docs/refunds.md)
    "AFTER_SALES_DAYS": "7",
    "REFUND_RETRY_HOURS": "72",
    # stock hoarding (docs/orders.md): a buyer's unpaid orders at once, units of one SKU per order
    "ORDER_MAX_OPEN_UNPAID": "3",
    "ORDER_MAX_PER_SKU": "20",
}


def setting(name: str) -> str:
    value = os.environ.get(name) or DEFAULTS.get(name)
    if not value:
        raise ConfigurationError(f"setting {name} is not configured")
    return value


def setting_int(name: str) -> int:
    raw = setting(name)
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"setting {name} must be an integer") from None


def setting_float(name: str) -> float:
    raw = setting(name)
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"setting {name} must be a number") from None


_secret_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def _secret(secret_id: str) -> dict[str, Any]:
    """The secret's JSON, fetched at most once per SHOP_SECRET_MAX_AGE seconds per container."""
    cached = _secret_cache.get(secret_id)
    if cached and time.monotonic() - cached[0] < setting_int("SHOP_SECRET_MAX_AGE"):
        return cached[1]
    from shop.adapters import aws

    try:
        raw = aws.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code")
        if code in ("ResourceNotFoundException", "AccessDeniedException", "DecryptionFailure"):
            raise ConfigurationError(f"the secret {secret_id.rsplit(':', 1)[-1]} cannot be read ({code})") from None
        raise  # transient errors become a 503 in shop.edge.api
    try:
        values = json.loads(raw)
    except ValueError:
        raise ConfigurationError("a shop secret is not a JSON object") from None
    if not isinstance(values, dict):
        raise ConfigurationError("a shop secret is not a JSON object")
    _secret_cache[secret_id] = (time.monotonic(), values)
    return values


# credential name (or prefix) -> the environment variable naming the secret that holds it
SECRET_OF = {
    "session_private_key": "SESSION_KEY_SECRET_ID",
    "merchant_token_private_key": "MERCHANT_TOKEN_SECRET_ID",
    "wechat_app_secret": "WECHAT_SECRET_ID",
    "wechatpay_": "WECHATPAY_SECRET_ID",
    "wechat_push_": "WECHAT_PUSH_SECRET_ID",  # the message push Token and EncodingAESKey (issue 9)
}


def secret_variable(name: str) -> str:
    """The environment variable naming the secret that holds credential ``name``."""
    for key, variable in SECRET_OF.items():
        if name == key or (key.endswith("_") and name.startswith(key)):
            return variable
    raise ConfigurationError(f"credential {name} belongs to no secret")


def credential(name: str) -> str:
    """A credential by its key in its secret (lower case, e.g. ``wechat_app_secret``)."""
    secret_id = os.environ.get(secret_variable(name))
    if secret_id:
        value = _secret(secret_id).get(name)
    else:
        value = os.environ.get(name.upper())
    if not value:
        raise ConfigurationError(f"credential {name} is not configured")
    return value


def reset() -> None:
    """Forget the cached secret (tests)."""
    _secret_cache.clear()
