"""A merchant token for the /admin routes of the local stack, issued by its MerchantTokens function
(the only function that can read the merchant-token private key), or every token of a merchant
revoked:

  python -m infra.tools.merchant_token [--name owner] [--hours 8] [--url http://127.0.0.1:3000]
  python -m infra.tools.merchant_token --name owner --revoke

Prints the token (or the revocation). A deployed stack has no /_local/ path: there the operator
invokes the function with their AWS credentials (docs/configuration.md, "Merchant tokens"):

  sam remote invoke MerchantTokensFunction --stack-name <stack> --event '{"merchant": "owner", "hours": 8}'
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any

FUNCTION = "MerchantTokensFunction"


def invoke(url: str, event: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """The function's answer to ``event``, through the local stack's direct-invoke control path."""
    request = urllib.request.Request(f"{url.rstrip('/')}/_local/invoke/{FUNCTION}", data=json.dumps(event).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"the local stack answered {exc.code}: {exc.read().decode(errors='replace')[:300]}") from None
    except urllib.error.URLError as exc:
        raise SystemExit(f"the local stack is not reachable at {url} ({exc.reason}); start it with `make dev`") from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="the local stack")
    parser.add_argument("--name", default="dev-merchant", help="the merchant account (the token's subject)")
    parser.add_argument("--hours", type=int, help="lifetime, 1-12 (default MERCHANT_TOKEN_TTL_SECONDS: 8 hours)")
    parser.add_argument("--revoke", action="store_true", help="revoke every token of this merchant issued so far")
    args = parser.parse_args(argv)
    event: dict[str, Any] = {"action": "revoke" if args.revoke else "issue", "merchant": args.name, "by": "make merchant-token"}
    if args.hours is not None and not args.revoke:
        event["hours"] = args.hours
    answer = invoke(args.url, event)
    if "error" in answer:
        sys.exit(f"{answer['error']['code']}: {answer['error']['message']} {answer['error'].get('details') or ''}".strip())
    print(answer["token"] if "token" in answer else json.dumps(answer))


if __name__ == "__main__":
    main()
