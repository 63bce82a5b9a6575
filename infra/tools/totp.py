"""The current one-time code for a TOTP secret, as an authenticator app shows it (the README's
back-office walkthrough signs the owner in with it; a merchant uses a real app):

  .venv/bin/python -m infra.tools.totp <base32 secret>
"""

from __future__ import annotations

import sys
import time

from infra.local.gateway import LAYER_PATH


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m infra.tools.totp <base32 secret>\n")
        return 2
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))
    from shop.staff import totp

    print(totp.code_at(argv[0], int(time.time()) // totp.STEP))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
