"""POST /share/accept - bind the caller to the friend whose share opened the shop, when the code
reached the page only after login (e.g. the scene of a share code). Only a new user binds."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.growth import rewards
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import responses
from shop.growth.models.rewards import AcceptRequest, AcceptResult

app = create_app()


@app.post("/share/accept", summary="Accept a friend's invitation", tags=["growth"], security=BEARER,
          description="200 with bound=true when the caller is now the inviter's friend. Otherwise bound=false and "
          "the reason: already_bound (one inviter, forever), not_a_new_user (signed up more than 30 minutes ago "
          "or has paid for an order), self_invite, unknown_code. None of these is an error: the page carries on.",
          responses=responses(AcceptResult, 400, 401, 403, 415))
def accept_share(body: AcceptRequest, user_id: Annotated[str, Depends(active_user)]) -> Response[AcceptResult]:
    return ok(rewards.accept(user_id, body.inviter))


lambda_handler = lambda_handler_for(app)
