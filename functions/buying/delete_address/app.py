"""DELETE /addresses/{id} - remove an address."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.buying import addresses
from shop.edge.api import create_app, lambda_handler_for
from shop.edge.auth import BEARER, active_user
from shop.edge.openapi import error_responses
from shop.core.models import ID

app = create_app()


@app.delete("/addresses/<id>", summary="Delete an address", tags=["addresses"], security=BEARER,
            responses={204: {"description": "Deleted"}, **error_responses(400, 401, 403, 404, 503)})
def delete_address(
    id: Annotated[str, Path(pattern=ID)],  # noqa: A002
    user_id: Annotated[str, Depends(active_user)],
) -> Response[None]:
    addresses.delete(user_id, id)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


lambda_handler = lambda_handler_for(app)
