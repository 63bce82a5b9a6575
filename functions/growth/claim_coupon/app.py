"""POST /coupons/{id}/claim - claim a coupon; the total and the per-user limit hold exactly however
many claims race."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.growth import coupons
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.growth.models.coupons import TEMPLATE_ID, MyCoupon

app = create_app()


@app.post("/coupons/<id>/claim", summary="Claim a coupon", tags=["coupons"], security=BEARER,
          description="201 with the coupon now held. 404 coupon_not_found (no such template, or a gift/reward "
          "template that cannot be claimed); 409 coupon_sold_out / coupon_limit_reached / coupon_claim_closed; "
          "403 coupon_new_users_only; 503 when the coupon is in such demand that the claim kept colliding with "
          "others: try again.",
          responses=responses(MyCoupon, 400, 401, 403, 404, 409, status=201, description="Claimed"))
def claim_coupon(id: Annotated[str, Path(pattern=TEMPLATE_ID)], user_id: Annotated[str, Depends(current_user)]) -> Response[MyCoupon]:  # noqa: A002
    return ok(coupons.claim(user_id, id), status=201)


lambda_handler = lambda_handler_for(app)
