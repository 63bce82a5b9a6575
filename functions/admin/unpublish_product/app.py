"""POST /admin/products/{id}/unpublish - Take a product off the shelf (下架)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import ID_PATTERN, AdminProduct, VersionBody
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.post("/admin/products/<id>/unpublish", summary="Take a product off the shelf (下架)", tags=["admin"], security=BEARER,
          responses=responses(AdminProduct, 400, 401, 403, 404, 409))
def unpublish_product(
    id: Annotated[str, Path(pattern=ID_PATTERN)],  # noqa: A002
    body: VersionBody,
    merchant: Annotated[str, Depends(staff_with(CATALOG_WRITE))],
) -> Response[AdminProduct]:
    return ok(manage.set_status(id, "off_shelf", actor=merchant, version=body.version))


lambda_handler = lambda_handler_for(app)
