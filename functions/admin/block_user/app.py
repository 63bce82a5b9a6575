"""POST /admin/users/{user_id}/block - block a shopper's account (merchant only): from the next
request its tokens stop working on every route that changes state (403 account_blocked)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import CUSTOMERS_BLOCK
from shop.users import blocking
from shop.users.models import USER_ID_PATTERN, AccountStatus, BlockRequest

app = create_app()


@app.post("/admin/users/<user_id>/block", summary="Block a shopper", tags=["admin"], security=BEARER,
          description="The account keeps its orders and can still read them; placing, paying, cancelling or "
          "confirming orders, refunds, the cart, addresses, coupons and shares answer 403 account_blocked "
          "until it is unblocked. Blocking a blocked account keeps the first time and updates the reason.",
          responses=responses(AccountStatus, 400, 401, 403, 404, 415))
def block_user(
    user_id: Annotated[str, Path(pattern=USER_ID_PATTERN)],
    body: BlockRequest,
    merchant: Annotated[str, Depends(staff_with(CUSTOMERS_BLOCK))],
) -> Response[AccountStatus]:
    return ok(blocking.block(user_id, body.reason, merchant=merchant))


lambda_handler = lambda_handler_for(app)
