"""POST /admin/users/{user_id}/unblock - lift a block (merchant only): the account's tokens work
again on the next request."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import CUSTOMERS_BLOCK
from shop.users import blocking
from shop.users.models import USER_ID_PATTERN, AccountStatus

app = create_app()


@app.post("/admin/users/<user_id>/unblock", summary="Unblock a shopper", tags=["admin"], security=BEARER,
          responses=responses(AccountStatus, 400, 401, 403, 404))
def unblock_user(
    user_id: Annotated[str, Path(pattern=USER_ID_PATTERN)],
    merchant: Annotated[str, Depends(staff_with(CUSTOMERS_BLOCK))],
) -> Response[AccountStatus]:
    return ok(blocking.unblock(user_id, merchant=merchant))


lambda_handler = lambda_handler_for(app)
