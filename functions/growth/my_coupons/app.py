"""GET /me/coupons?status=available|used|expired - the coupons the caller holds."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.growth import coupons
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.edge.openapi import responses
from shop.growth.models.coupons import MyCouponList

app = create_app()


@app.get("/me/coupons", summary="My coupons", tags=["coupons"], security=BEARER,
         description="available includes coupons an unpaid order holds (status locked); they return to "
         "available if that order is cancelled.", responses=responses(MyCouponList, 400, 401))
def my_coupons(
    user_id: Annotated[str, Depends(current_user)],
    status: Annotated[Literal["available", "used", "expired"] | None, Query()] = None,
) -> Response[MyCouponList]:
    return ok(coupons.mine(user_id, status))


lambda_handler = lambda_handler_for(app)
