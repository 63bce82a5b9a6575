"""PUT /admin/categories/order - the display order of every category."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import AdminCategoryList, CategoryOrder
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.put("/admin/categories/order", summary="Reorder the categories", tags=["admin"], security=BEARER,
         responses=responses(AdminCategoryList, 400, 401, 403, 409))
def order_categories(body: CategoryOrder, merchant: Annotated[str, Depends(staff_with(CATALOG_WRITE))]) -> Response[AdminCategoryList]:
    return ok(AdminCategoryList(items=manage.order_categories(body.ids, actor=merchant)))


lambda_handler = lambda_handler_for(app)
