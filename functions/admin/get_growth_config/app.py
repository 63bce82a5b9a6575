"""GET /admin/growth - the new-user gift pack and share reward settings (merchant token only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.growth import rewards
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import GROWTH_READ
from shop.growth.models.rewards import GrowthConfig

app = create_app()


@app.get("/admin/growth", summary="Growth settings", tags=["admin"], security=BEARER,
         responses=responses(GrowthConfig, 401, 403))
def get_growth_config(merchant: Annotated[str, Depends(staff_with(GROWTH_READ))]) -> Response[GrowthConfig]:
    return ok(rewards.load_config())


lambda_handler = lambda_handler_for(app)
