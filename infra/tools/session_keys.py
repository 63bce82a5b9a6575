"""A new key pair for the shop's session tokens, for deploying.

  python -m infra.tools.session_keys [--out DIR]

Writes session_private_key.pem and secret-fragment.json (the private key as the shop secret holds
it) into DIR (default .dev/session-keys/<UTC time>/, git-ignored) and prints the one-line public
key to pass as the SessionPublicKey parameter. The private key is printed nowhere.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.template import ROOT


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / ".dev" / "session-keys" / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    args = parser.parse_args(argv)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
    public_der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    import base64

    public_line = base64.b64encode(public_der).decode("ascii")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in (("session_private_key.pem", private_pem),
                       ("secret-fragment.json", json.dumps({"session_private_key": private_pem}) + "\n"),
                       ("SessionPublicKey.txt", public_line + "\n")):
        path = args.out / name
        path.write_text(text, "ascii")
        path.chmod(0o600)
    print(f"""Session key pair written to {args.out}/

1. SessionPublicKey parameter (sam deploy --guided asks for it):

{public_line}

2. Merge {args.out}/secret-fragment.json into the shop secret (key session_private_key);
   docs/configuration.md shows the aws secretsmanager command.
""")


if __name__ == "__main__":
    main()
