"""PUT /admin/growth - set the new-user gift pack and the share reward tiers (merchant token only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.growth import rewards
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import GROWTH_WRITE
from shop.growth.models.rewards import GrowthConfig, GrowthConfigUpdate

app = create_app()


@app.put("/admin/growth", summary="Set growth settings", tags=["admin"], security=BEARER,
         description="gift_pack: coupon templates every new user gets once. qualify_on: when an invited friend "
         "counts (registration, first_paid_order, or first_completed_order - a new shop's default, hardest to "
         "game; a fully refunded order never counts and undoes the qualification it gave, revoking unused rewards). "
         "tiers: qualified friends -> a coupon, each granted once. Every field is required (400 without one: "
         "an empty list empties it). Every template must exist and have claimable=false (400 "
         "unknown_coupon_template / coupon_template_claimable). Applies to events from now on.",
         responses=responses(GrowthConfig, 400, 401, 403, 415))
def put_growth_config(body: GrowthConfigUpdate, merchant: Annotated[str, Depends(staff_with(GROWTH_WRITE))]) -> Response[GrowthConfig]:
    return ok(rewards.save_config(body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
