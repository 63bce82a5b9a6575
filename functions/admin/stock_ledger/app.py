"""GET /admin/skus/{sku_id}/stock-ledger - every move of a SKU's stock, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import stock
from shop.catalog.admin_models import LedgerPage
from shop.catalog.skus import SKU_ID_PATTERN
from shop.staff.roles import CATALOG_READ

app = create_app()


@app.get("/admin/skus/<sku_id>/stock-ledger", summary="A SKU's stock ledger", tags=["admin"], security=BEARER,
         responses=responses(LedgerPage, 400, 401, 403, 404))
def stock_ledger(
    sku_id: Annotated[str, Path(pattern=SKU_ID_PATTERN)],
    merchant: Annotated[str, Depends(staff_with(CATALOG_READ))],
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response[LedgerPage]:
    return ok(stock.ledger_page(sku_id, cursor=cursor, limit=limit))


lambda_handler = lambda_handler_for(app)
