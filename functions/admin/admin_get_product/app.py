"""GET /admin/products/{id} - a product with its SKUs, live stock and version."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import ID_PATTERN, AdminProduct
from shop.staff.roles import CATALOG_READ

app = create_app()


@app.get("/admin/products/<id>", summary="Get a product (any state)", tags=["admin"], security=BEARER,
         responses=responses(AdminProduct, 400, 401, 403, 404))
def admin_get_product(
    id: Annotated[str, Path(pattern=ID_PATTERN)],  # noqa: A002
    merchant: Annotated[str, Depends(staff_with(CATALOG_READ))],
) -> Response[AdminProduct]:
    return ok(manage.get_product(id))


lambda_handler = lambda_handler_for(app)
