"""PUT /admin/products/{id} - save a product (optimistic: the version read)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import ID_PATTERN, AdminProduct, ProductUpdate
from shop.edge.auth import PendingStaff
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.put("/admin/products/<id>", summary="Save a product", tags=["admin"], security=BEARER,
         description="Send the whole product with the `version` you read; 409 version_conflict if it changed since. "
                     "Stock of existing SKUs is not changed here (POST /admin/skus/{sku_id}/stock).",
         responses=responses(AdminProduct, 400, 401, 403, 404, 409))
def update_product(
    id: Annotated[str, Path(pattern=ID_PATTERN)],  # noqa: A002
    body: ProductUpdate,
    staff: Annotated[PendingStaff, Depends(staff_pending(CATALOG_WRITE))],
) -> Response[AdminProduct]:
    return ok(manage.save(staff, body, product_id=id, version=body.version))


lambda_handler = lambda_handler_for(app, max_body_bytes=256 * 1024)  # a 90-SKU matrix is more than 16 KB
