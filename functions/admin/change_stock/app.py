"""POST /admin/skus/{sku_id}/stock - set or adjust a SKU's sellable stock, with a reason (ledgered)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import stock
from shop.catalog.admin_models import StockChange, StockResult
from shop.catalog.skus import SKU_ID_PATTERN
from shop.staff.roles import STOCK_WRITE

app = create_app()


@app.post("/admin/skus/<sku_id>/stock", summary="Set or adjust stock", tags=["admin"], security=BEARER,
          responses=responses(StockResult, 400, 401, 403, 404, 409))
def change_stock(
    sku_id: Annotated[str, Path(pattern=SKU_ID_PATTERN)],
    body: StockChange,
    merchant: Annotated[str, Depends(staff_with(STOCK_WRITE))],
) -> Response[StockResult]:
    return ok(stock.change(sku_id, body, actor=merchant))


lambda_handler = lambda_handler_for(app)
