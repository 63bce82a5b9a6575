"""POST /admin/coupons - the merchant defines a coupon (merchant token only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.growth import coupons
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import COUPONS_WRITE
from shop.growth.models.coupons import CouponTemplate, CouponTemplateInput

app = create_app()


@app.post("/admin/coupons", summary="Create a coupon", tags=["admin"], security=BEARER,
          description="满减 (kind=amount, threshold), 折扣 (kind=percent, max_discount), 无门槛 (threshold 0); scope all / "
          "categories / products; a fixed validity window or valid_days after claiming; total, per-user limit, "
          "new customers only, stackable or exclusive.",
          responses=responses(CouponTemplate, 400, 401, 403, 409, status=201, description="Created"))
def create_coupon_template(body: CouponTemplateInput, merchant: Annotated[str, Depends(staff_with(COUPONS_WRITE))]) -> Response[CouponTemplate]:
    return ok(coupons.create_template(body, merchant=merchant), status=201)


lambda_handler = lambda_handler_for(app)
