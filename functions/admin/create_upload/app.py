"""POST /admin/uploads - a presigned S3 POST for one product image or video (docs/media.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.catalog import media
from shop.catalog.media import Upload, UploadRequest
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import responses
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.post("/admin/uploads", summary="Upload a product image or video (presigned S3 POST)", tags=["admin"],
          security=BEARER, responses=responses(Upload, 400, 401, 403, status=201, description="Created"))
def create_upload(
    body: UploadRequest,
    merchant: Annotated[str, Depends(staff_with(CATALOG_WRITE))],
) -> Response[Upload]:
    return ok(media.create_upload(body, merchant=merchant), status=201)


lambda_handler = lambda_handler_for(app)
