"""POST /admin/staff/{name}/unlock - an owner lifts the lock (and backoff) that failed sign-ins put
on a staff account; audited in the same transaction."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff import signin
from shop.staff.auth_models import Unlocked
from shop.staff.names import MERCHANT_NAME
from shop.staff.roles import STAFF_MANAGE

app = create_app()


@app.post("/admin/staff/<name>/unlock", summary="Unlock a staff account", tags=["admin"], security=BEARER,
          description="404 staff_not_found; 409 account_not_locked when there is nothing to lift.",
          responses=responses(Unlocked, 400, 401, 403, 404, 409))
def unlock(name: Annotated[str, Path(pattern=MERCHANT_NAME)],
           merchant: Annotated[str, Depends(staff_with(STAFF_MANAGE))]) -> Response[Unlocked]:
    return ok(Unlocked.model_validate(signin.unlock(name, by=merchant)))


lambda_handler = lambda_handler_for(app)
