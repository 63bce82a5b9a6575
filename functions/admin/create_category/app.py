"""POST /admin/categories - a new category."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import AdminCategory, CategoryCreate
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.post("/admin/categories", summary="Create a category", tags=["admin"], security=BEARER,
          responses=responses(AdminCategory, 400, 401, 403, 409, status=201))
def create_category(body: CategoryCreate, merchant: Annotated[str, Depends(staff_with(CATALOG_WRITE))]) -> Response[AdminCategory]:
    return ok(manage.create_category(body, actor=merchant), status=201)


lambda_handler = lambda_handler_for(app)
