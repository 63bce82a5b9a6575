"""POST /admin/products - a new product with its SKU matrix (one transaction with its audit entry)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import AdminProduct, ProductCreate
from shop.edge.auth import PendingStaff
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.post("/admin/products", summary="Create a product", tags=["admin"], security=BEARER,
          responses=responses(AdminProduct, 400, 401, 403, 409, status=201))
def create_product(body: ProductCreate, staff: Annotated[PendingStaff, Depends(staff_pending(CATALOG_WRITE))]) -> Response[AdminProduct]:
    return ok(manage.save(staff, body, product_id=None, version=None, status=body.status), status=201)


lambda_handler = lambda_handler_for(app, max_body_bytes=256 * 1024)  # a 90-SKU matrix is more than 16 KB
