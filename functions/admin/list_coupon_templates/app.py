"""GET /admin/coupons - every coupon template with how many were issued (merchant token only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from pydantic import BaseModel

from shop.growth import coupons
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import COUPONS_READ
from shop.growth.models.coupons import CouponTemplate

app = create_app()


class CouponTemplateList(BaseModel):
    items: list[CouponTemplate]


@app.get("/admin/coupons", summary="Coupon templates", tags=["admin"], security=BEARER,
         responses=responses(CouponTemplateList, 401, 403))
def list_coupon_templates(merchant: Annotated[str, Depends(staff_with(COUPONS_READ))]) -> Response[CouponTemplateList]:
    return ok(CouponTemplateList(items=[coupons.template_view(t) for t in coupons.list_templates()]))


lambda_handler = lambda_handler_for(app)
