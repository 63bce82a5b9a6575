"""New key pairs for the shop's tokens, for deploying or rotating: one for shoppers' session tokens
(login signs), one for merchant tokens (MerchantTokens signs).

  python -m infra.tools.session_keys [--out DIR] [--only session|merchant-token]

Writes into DIR (default .dev/session-keys/<UTC time>/, git-ignored), for each pair:
  <name>.secret.json   the private key as its secret holds it (session_private_key or
                       merchant_token_private_key)
  <Parameter>.txt      the one-line public key for the template parameter (SessionPublicKeys,
                       MerchantTokenPublicKeys)
and prints the public keys. The private keys are printed nowhere. Rotating: append the new public
key to the parameter (comma-separated), deploy, put the new private key into the secret, and drop
the old public key once its tokens have expired (docs/configuration.md).
"""

from __future__ import annotations

import argparse
import base64
import json
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.template import ROOT

PAIRS = {  # kind -> (secret key, template parameter, the secret's output)
    "session": ("session_private_key", "SessionPublicKeys", "SessionKeySecretArn"),
    "merchant-token": ("merchant_token_private_key", "MerchantTokenPublicKeys", "MerchantTokenSecretArn"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / ".dev" / "session-keys" / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    parser.add_argument("--only", choices=sorted(PAIRS), help="one pair instead of both")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    lines = [f"Key pairs written to {args.out}/", ""]
    for kind, (secret_key, parameter, output) in PAIRS.items():
        if args.only and kind != args.only:
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode("ascii")
        public_der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        public_line = base64.b64encode(public_der).decode("ascii")
        for name, text in ((f"{secret_key}.secret.json", json.dumps({secret_key: private_pem}) + "\n"),
                           (f"{parameter}.txt", public_line + "\n")):
            path = args.out / name
            path.write_text(text, "ascii")
            path.chmod(0o600)
        lines += [f"{parameter} parameter (sam deploy --guided asks for it):", "", public_line, "",
                  f"  then put {args.out}/{secret_key}.secret.json into the secret of output {output}", ""]
    lines.append("docs/configuration.md shows the aws secretsmanager commands.")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
