"""GET /admin/products/export - every product not deleted and its stock, as CSV (UTF-8 with BOM)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.catalog import csvio
from shop.edge.api import create_app, lambda_handler_for
from shop.edge.auth import BEARER, staff_with
from shop.edge.openapi import error_responses
from shop.staff.roles import CATALOG_READ

app = create_app()
CSV = {"schema": {"type": "string"}}


@app.get("/admin/products/export", summary="Export products and stock (CSV)", tags=["admin"], security=BEARER,
         description="One row per SKU with its product's columns; amounts in yuan with two decimals; the format "
                     "POST /admin/products/import takes back (docs/catalog.md).",
         responses={200: {"description": "The CSV file", "content": {"text/csv": CSV}}, **error_responses(401, 403, 503)})
def export_products(merchant: Annotated[str, Depends(staff_with(CATALOG_READ))]):  # noqa: ANN201 - a CSV body, not a model
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=csvio.export(),
                    headers={"Cache-Control": "no-store", "Content-Disposition": 'attachment; filename="products.csv"'})


lambda_handler = lambda_handler_for(app)
