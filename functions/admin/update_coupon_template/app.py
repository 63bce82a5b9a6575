"""PATCH /admin/coupons/{id} - the merchant changes a running campaign: its total or claim window."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.growth import coupons
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import COUPONS_WRITE
from shop.growth.models.coupons import TEMPLATE_ID, CouponTemplate, CouponTemplateChange

app = create_app()


@app.patch("/admin/coupons/<id>", summary="Change a coupon's total or claim window", tags=["admin"], security=BEARER,
           description="Raise the total to extend a campaign (share rewards that found the coupon used up are then "
           "granted, moments later), lower it (never below `issued`: 409 total_below_issued), or move the claim "
           "window (claim_until = now stops a campaign; 409 invalid_claim_window if it would end before it starts). "
           "Coupons already held keep their rule and validity.",
           responses=responses(CouponTemplate, 400, 401, 403, 404, 409, 415))
def update_coupon_template(id: Annotated[str, Path(pattern=TEMPLATE_ID)], body: CouponTemplateChange,  # noqa: A002
                           merchant: Annotated[str, Depends(staff_with(COUPONS_WRITE))]) -> Response[CouponTemplate]:
    return ok(coupons.change_template(id, body, merchant=merchant))


lambda_handler = lambda_handler_for(app)
