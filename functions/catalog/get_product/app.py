"""GET /products/{id} - a product with its SKUs, media and detail content."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from shop.catalog import products
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.catalog.models import ProductDetail
from shop.edge.openapi import responses

app = create_app()
# Stock moves with every order: keep the cache short.
CACHE = "public, max-age=15, stale-while-revalidate=30"


@app.get("/products/<id>", summary="Product detail", tags=["catalog"], responses=responses(ProductDetail, 400, 404))
def get_product(
    id: Annotated[str, Path(pattern=products.ID_PATTERN, description="Product id")],  # noqa: A002 - the route's name
) -> Response[ProductDetail]:
    return ok(products.get_product(id), cache=CACHE)


lambda_handler = lambda_handler_for(app)
