"""GET /me - the caller's profile."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.users import accounts
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.users.models import Profile

app = create_app()


@app.get(
    "/me",
    summary="The caller's profile",
    tags=["users"],
    security=BEARER,
    responses=responses(Profile, 401),
)
def me(user_id: Annotated[str, Depends(current_user)]) -> Response[Profile]:
    return ok(accounts.get_profile(user_id))


lambda_handler = lambda_handler_for(app)
