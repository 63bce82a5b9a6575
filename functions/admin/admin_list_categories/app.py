"""GET /admin/categories - every category, hidden ones included."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import AdminCategoryList
from shop.staff.roles import CATALOG_READ

app = create_app()


@app.get("/admin/categories", summary="List categories (hidden included)", tags=["admin"], security=BEARER,
         responses=responses(AdminCategoryList, 401, 403))
def admin_list_categories(merchant: Annotated[str, Depends(staff_with(CATALOG_READ))]) -> Response[AdminCategoryList]:
    return ok(AdminCategoryList(items=manage.list_categories()))


lambda_handler = lambda_handler_for(app)
