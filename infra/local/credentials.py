"""Dev credentials, generated once per checkout into .dev/credentials/ (git-ignored).

  credentials.json              every value the functions read as a credential or setting
  merchant_private_key.pem      the merchant's API key (PKCS#8): the shop signs WeChat Pay requests
  merchant_public_key.pem       its public half: the simulator verifies those signatures
  wechatpay_private_key.pem     the simulated WeChat Pay platform key: it signs notifications
  wechatpay_public_key.pem      its public half (SPKI): the shop verifies notifications with it
  session_private_key.pem       signs the shop's session tokens (login only)
  session_public_key.pem        verifies them (every other function)
  merchant_token_private_key.pem  signs merchant tokens for /admin (MerchantTokens only)
  merchant_token_public_key.pem   verifies them

A tester can sign and encrypt their own pay notifications with wechatpay_private_key.pem and the
APIv3 key in credentials.json. Delete the folder to get new ones.
"""

from __future__ import annotations

import json
import secrets
import string
from pathlib import Path
from typing import Any

from infra.local.template import ROOT

DEV_DIR = ROOT / ".dev" / "credentials"


def _rsa_pair() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    return private, public


def _alnum(n: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


KEY_PAIRS = ("merchant", "wechatpay", "session", "merchant_token")
# What the deployed stack keeps in each secret (template.yaml, by logical id); the rest is settings.
SECRETS = {
    "SessionKeySecret": ("session_private_key",),
    "MerchantTokenSecret": ("merchant_token_private_key",),
    "WeChatSecret": ("wechat_app_secret",),
    "WeChatPaySecret": (
        "wechatpay_mch_id",
        "wechatpay_merchant_serial_no",
        "wechatpay_merchant_private_key",
        "wechatpay_apiv3_key",
        "wechatpay_public_key_id",
        "wechatpay_public_key",
    ),
    "WeChatPushSecret": ("wechat_push_token", "wechat_push_aes_key"),
}
SECRET_KEYS = tuple(key for keys in SECRETS.values() for key in keys)
# the environment variables that name a secret (shop.adapters.config.SECRET_OF): unset locally unless
# the stack runs with --secrets-manager
SECRET_VARIABLES = ("SESSION_KEY_SECRET_ID", "MERCHANT_TOKEN_SECRET_ID", "WECHAT_SECRET_ID", "WECHATPAY_SECRET_ID",
                    "WECHAT_PUSH_SECRET_ID")


def ensure(directory: Path = DEV_DIR) -> dict[str, Any]:
    """Load the dev credentials, generating what is missing (everything, the first time)."""
    directory.mkdir(parents=True, exist_ok=True)
    for pair in KEY_PAIRS:
        private_file, public_file = directory / f"{pair}_private_key.pem", directory / f"{pair}_public_key.pem"
        if private_file.exists() and public_file.exists():
            continue
        private, public = _rsa_pair()
        for file, pem in ((private_file, private), (public_file, public)):
            file.write_text(pem, "ascii")
            file.chmod(0o600)
    path = directory / "credentials.json"
    creds = json.loads(path.read_text("utf-8")) if path.exists() else {}
    generated = {
        "wechat_app_id": "wx" + secrets.token_hex(8),
        "wechat_app_secret": secrets.token_hex(16),
        "wechatpay_mch_id": "19" + "".join(secrets.choice(string.digits) for _ in range(8)),
        "wechatpay_merchant_serial_no": secrets.token_hex(20).upper(),
        "wechatpay_apiv3_key": _alnum(32),
        "wechatpay_public_key_id": "PUB_KEY_ID_" + "".join(secrets.choice(string.digits) for _ in range(32)),
        "wechat_push_token": _alnum(32),  # the message push Token (MP admin: 消息推送)
        "wechat_push_aes_key": _alnum(43),  # its EncodingAESKey: 43 characters, base64 of 32 bytes
    }
    if not generated.keys() <= creds.keys():
        creds = {**generated, **creds}
        path.write_text(json.dumps(creds, indent=2) + "\n", "utf-8")
        path.chmod(0o600)
    return creds


def function_environment(creds: dict[str, Any], directory: Path = DEV_DIR) -> dict[str, str]:
    """The credentials as the functions read them without a secret: upper-case variables."""
    env = {k.upper(): str(v) for k, v in creds.items() if k != "wechat_app_id"}
    env["WECHAT_APP_ID"] = creds["wechat_app_id"]
    env["WECHATPAY_MERCHANT_PRIVATE_KEY"] = (directory / "merchant_private_key.pem").read_text("ascii")
    env["WECHATPAY_PUBLIC_KEY"] = (directory / "wechatpay_public_key.pem").read_text("ascii")
    env["SESSION_PRIVATE_KEY"] = (directory / "session_private_key.pem").read_text("ascii")
    env["SESSION_PUBLIC_KEYS"] = (directory / "session_public_key.pem").read_text("ascii")
    env["MERCHANT_TOKEN_PRIVATE_KEY"] = (directory / "merchant_token_private_key.pem").read_text("ascii")
    env["MERCHANT_TOKEN_PUBLIC_KEYS"] = (directory / "merchant_token_public_key.pem").read_text("ascii")
    return env
