"""Configuration. Every external base URL and every credential is read through this module.

- Plain settings (base URLs, the AppID, table names, TTLs) are environment variables, set by
  template.yaml in AWS and by the local stack on a developer's machine.
- Credentials are read from one Secrets Manager secret (a JSON object) when ``SHOP_SECRET_ID`` is
  set - the deployed stack - through Powertools parameters, fetched once per container and cached
  for ``SHOP_SECRET_MAX_AGE`` seconds. Without ``SHOP_SECRET_ID`` each credential comes from the
  environment variable of the same name in upper case (``session_signing_key`` ->
  ``SESSION_SIGNING_KEY``): the local stack and the tests.

docs/configuration.md lists every name.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from shop.errors import ConfigurationError

DEFAULTS = {
    "WECHAT_API_BASE_URL": "https://api.weixin.qq.com",
    "WECHATPAY_API_BASE_URL": "https://api.mch.weixin.qq.com",
    "SESSION_TTL_SECONDS": "604800",
    "SHOP_SECRET_MAX_AGE": "900",
    "WECHAT_HTTP_TIMEOUT_SECONDS": "3",
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


@cache
def _secrets_provider() -> Any:
    """Powertools' SecretsProvider (its cache, max_age and JSON transform) over the shared botocore
    session's client, so reading the secret does not create a second AWS session."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    from shop import aws

    return SecretsProvider(boto3_client=aws.client("secretsmanager"))


def credential(name: str) -> str:
    """A credential by its key in the shop secret (lower case, e.g. ``wechat_app_secret``)."""
    secret_id = os.environ.get("SHOP_SECRET_ID")
    if secret_id:
        values = _secrets_provider().get(secret_id, transform="json", max_age=setting_int("SHOP_SECRET_MAX_AGE"))
        value = values.get(name) if isinstance(values, dict) else None
    else:
        value = os.environ.get(name.upper())
    if not value:
        raise ConfigurationError(f"credential {name} is not configured")
    return value


def reset() -> None:
    """Forget the cached secret and its client (tests)."""
    _secrets_provider.cache_clear()
