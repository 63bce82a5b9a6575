"""POST /admin/products/import - products from a CSV (the export's format): each product in one
transaction or not at all, a report of every row that failed and why."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.catalog import csvio
from shop.catalog.admin_models import ImportReport
from shop.core.errors import UnsupportedMediaType
from shop.edge.api import create_app, lambda_handler_for, ok, raw_body
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import error_responses
from shop.staff.roles import CATALOG_WRITE

app = create_app()


@app.post("/admin/products/import", summary="Import products (CSV)", tags=["admin"], security=BEARER,
          description="Body: the CSV (Content-Type text/csv, at most 2 MB). 200 with the report even when rows failed: "
                      "`failed` lists line, column and why; the other products were imported.",
          responses={200: {"description": "The report", "content": {"application/json": {"model": ImportReport}}},
                     **error_responses(400, 401, 403, 413, 415, 503)})
def import_products(merchant: Annotated[str, Depends(staff_with(CATALOG_WRITE))]) -> Response[ImportReport]:
    media = (app.current_event.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if media not in ("text/csv", "application/csv"):
        raise UnsupportedMediaType("请以 Content-Type: text/csv 上传 CSV 文件。")
    return ok(csvio.import_csv(raw_body(app), actor=merchant))


lambda_handler = lambda_handler_for(app, max_body_bytes=csvio.MAX_BYTES, check_json=False)
