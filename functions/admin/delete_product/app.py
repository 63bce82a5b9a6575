"""DELETE /admin/products/{id} - soft delete: gone from the shop, orders keep their snapshot."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import ID_PATTERN, AdminProduct
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.delete("/admin/products/<id>", summary="Delete a product (soft, final)", tags=["admin"], security=BEARER,
            responses=responses(AdminProduct, 400, 401, 403, 404, 409))
def delete_product(
    id: Annotated[str, Path(pattern=ID_PATTERN)],  # noqa: A002
    merchant: Annotated[str, Depends(staff_with(CATALOG_WRITE))],
    version: Annotated[int | None, Query(ge=1, description="If given, only this version is deleted")] = None,
) -> Response[AdminProduct]:
    return ok(manage.set_status(id, "deleted", actor=merchant, version=version))


lambda_handler = lambda_handler_for(app)
