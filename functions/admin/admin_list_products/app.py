"""GET /admin/products - every product the merchant has (deleted ones with status=deleted)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from typing import Literal

from shop.catalog import manage
from shop.catalog.admin_models import ID_PATTERN, AdminProductPage
from shop.staff.roles import CATALOG_READ

app = create_app()


@app.get("/admin/products", summary="List products (all states)", tags=["admin"], security=BEARER,
         responses=responses(AdminProductPage, 400, 401, 403))
def admin_list_products(
    merchant: Annotated[str, Depends(staff_with(CATALOG_READ))],
    status: Annotated[Literal["on_sale", "off_shelf", "deleted"] | None, Query(description="Only this state")] = None,
    category: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50, description="Words of the title, id or a SKU code")] = None,
    cursor: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Response[AdminProductPage]:
    return ok(manage.list_products(status=status, category=category, q=q, cursor=cursor, limit=limit))


lambda_handler = lambda_handler_for(app)
