"""DELETE /admin/pickup-stores/{id} - remove a pickup store (docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shop.buying import shipping
from shop.edge.api import create_app, lambda_handler_for
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import error_responses
from shop.staff.roles import SETTINGS_WRITE

app = create_app()


@app.delete("/admin/pickup-stores/<id>", summary="Remove a pickup store", tags=["admin"], security=BEARER,
            description="Orders placed there keep their copy; owners and managers can still verify them. "
            "version (optional): the one GET gave, 409 stale_version if it moved on. Audited.",
            responses={204: {"description": "Removed"}, **error_responses(400, 401, 403, 404, 409, 503)})
def delete_pickup_store(
    id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,32}$")],  # noqa: A002
    merchant: Annotated[str, Depends(staff_with(SETTINGS_WRITE))],
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response[None]:
    shipping.delete_store(id, version, merchant=merchant)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


lambda_handler = lambda_handler_for(app)
