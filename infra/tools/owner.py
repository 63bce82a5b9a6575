"""Create the shop's owner account (with a password) on the running local stack, through its
MerchantTokens function (action create_owner), as an operator does at deploy time:

  make owner ARGS='--name boss [--display-name 王老板]'     # asks for the password twice
  OWNER_PASSWORD=... make owner ARGS='--name boss'          # or takes it from the environment

The password is never taken from the command line (it would stay in the shell history and the
process list). Once per shop: a second owner is invited by the first (docs/staff.md, "The owner").
A deployed stack: docs/configuration.md, "Merchant tokens" (sam remote invoke --event-file).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from infra.tools.merchant_token import invoke


def _password() -> str:
    if password := os.environ.get("OWNER_PASSWORD"):
        return password
    if not sys.stdin.isatty():
        sys.exit("set OWNER_PASSWORD or run this in a terminal (the password is asked for, never an argument)")
    first = getpass.getpass("owner password (at least 10 characters): ")
    if getpass.getpass("again: ") != first:
        sys.exit("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="the local stack")
    parser.add_argument("--name", required=True, help="the owner's sign-in name (a-z, 0-9, - and _)")
    parser.add_argument("--display-name", help="shown in the console, e.g. 王老板")
    parser.add_argument("--by", default="make owner", help="who creates it (the audit log's actor)")
    args = parser.parse_args(argv)
    event = {"action": "create_owner", "merchant": args.name, "password": _password(), "by": args.by}
    if args.display_name:
        event["display_name"] = args.display_name
    answer = invoke(args.url, event)
    if "error" in answer:
        sys.exit(f"{answer['error']['code']}: {answer['error']['message']} {answer['error'].get('details') or ''}".strip())
    print(f"owner {answer['merchant']} created at {answer['created_at']}; next: {answer['next_step']}")


if __name__ == "__main__":
    main()
