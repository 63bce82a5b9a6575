"""PATCH /admin/categories/{id} - rename, icon, hide / show, sort."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query  # noqa: F401

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_pending, staff_with  # noqa: F401
from shop.edge.openapi import responses
from shop.catalog import manage
from shop.catalog.admin_models import ID_PATTERN, AdminCategory, CategoryPatch
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.patch("/admin/categories/<id>", summary="Change a category", tags=["admin"], security=BEARER,
           responses=responses(AdminCategory, 400, 401, 403, 404, 409))
def update_category(
    id: Annotated[str, Path(pattern=ID_PATTERN)],  # noqa: A002
    body: CategoryPatch,
    merchant: Annotated[str, Depends(staff_with(CATALOG_WRITE))],
) -> Response[AdminCategory]:
    return ok(manage.update_category(id, body, actor=merchant))


lambda_handler = lambda_handler_for(app)
