"""A merchant token for the /admin routes: a session token with audience ``merchant``, signed with
the session private key (the operator has it: it is the one in the shop secret).

  python -m infra.tools.merchant_token --private-key PATH [--name shop-owner] [--days 30]

Prints the token. Shopper tokens never open /admin and this one never acts as a shopper. Rotating
the session key pair revokes every merchant token too.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from infra.local.gateway import LAYER_PATH


def mint(private_key_pem: str, *, name: str, days: int) -> str:
    from cryptography.hazmat.primitives import serialization

    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))
    from shop import auth, session_signer

    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    saved = {k: os.environ.get(k) for k in ("SESSION_PRIVATE_KEY", "SESSION_PUBLIC_KEY", "SHOP_SECRET_ID")}
    os.environ.update(SESSION_PRIVATE_KEY=private_key_pem, SESSION_PUBLIC_KEY=public_pem)
    os.environ.pop("SHOP_SECRET_ID", None)
    try:
        return session_signer.issue(name, audience=auth.MERCHANT, ttl=days * 86400)[0]
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--private-key", type=Path, required=True, help="PEM file of session_private_key")
    parser.add_argument("--name", default="merchant", help="who the token is for (its subject)")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    print(mint(args.private_key.read_text("ascii"), name=args.name, days=args.days))


if __name__ == "__main__":
    main()
