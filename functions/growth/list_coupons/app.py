"""GET /coupons - the coupon center (领券中心): claimable coupons, what remains, and whether the caller
may still claim each."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.growth import coupons
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, optional_user
from shop.edge.openapi import responses
from shop.growth.models.coupons import CouponCenter

app = create_app()


@app.get("/coupons", summary="Claimable coupons", tags=["coupons"], security=[{}, *BEARER],
         description="Without a token: the coupons and what remains; with one: also how many the caller holds "
         "and whether they may claim more.", responses=responses(CouponCenter, 401))
def list_coupons(user_id: Annotated[str | None, Depends(optional_user)]) -> Response[CouponCenter]:
    return ok(coupons.coupon_center(user_id), cache="no-store" if user_id else "public, max-age=30")


lambda_handler = lambda_handler_for(app)
