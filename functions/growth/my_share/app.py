"""GET /me/share - the caller's invite code, the share path, progress towards each reward tier and the
rewards earned (the 邀请有礼 page)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.growth import rewards
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.growth.models.rewards import ShareInfo

app = create_app()


@app.get("/me/share", summary="My invite code and share rewards", tags=["growth"], security=BEARER,
         description="Use share_path as the path of onShareAppMessage. Friends who open it and log in for the "
         "first time are bound to the caller; tiers show how many qualified friends each reward still needs, "
         "rewards the coupons already granted (they are also in GET /me/coupons).",
         responses=responses(ShareInfo, 401))
def my_share(user_id: Annotated[str, Depends(current_user)]) -> Response[ShareInfo]:
    return ok(rewards.share_info(user_id))


lambda_handler = lambda_handler_for(app)
