"""MerchantTokens - issue and revoke merchant tokens for /admin. No route: the operator invokes it
with their AWS credentials (lambda:InvokeFunction on this function is the gate), locally through
the local stack (`make merchant-token`):

  sam remote invoke MerchantTokensFunction --stack-name minishop-prod \
      --event '{"merchant": "owner", "hours": 8}'
  sam remote invoke MerchantTokensFunction --stack-name minishop-prod \
      --event '{"action": "revoke", "merchant": "owner"}'
  sam remote invoke MerchantTokensFunction --stack-name minishop-prod --event-file owner.json
      # owner.json: {"action": "create_owner", "merchant": "boss", "password": "..."} (make owner locally)

It is the only function that can read the merchant-token private key (shop.staff.accounts has the
rules). Answers {"merchant", "token", "expires_at"}, {"merchant", "tokens_valid_after"} or, for
create_owner (the shop's owner with a password, once per shop), {"merchant", "role", "created_at"}; a bad
event or an unknown merchant answers {"error": {"code", "message", "details"}}, the shop's one error
shape, and never a token.
"""

from typing import Any

from pydantic import ValidationError

from shop.adapters.observability import logger
from shop.core.errors import ShopError
from shop.edge.api import error_payload
from shop.staff import accounts
from shop.staff.models import MerchantTokenRequest


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    try:
        request = MerchantTokenRequest.model_validate(event)
    except ValidationError as exc:
        details = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return error_payload("invalid_request", "The event is not a valid merchant token request.", details)
    try:
        action = {"issue": accounts.issue, "revoke": accounts.revoke, "create_owner": accounts.create_owner}[request.action]
        result = action(request)
    except ShopError as err:
        return error_payload(err.code, err.message, err.details)
    return result.model_dump()
