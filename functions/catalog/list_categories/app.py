"""GET /categories - the shop's categories in display order."""

from aws_lambda_powertools.event_handler import Response

from shop.catalog import products
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.catalog.models import CategoryList
from shop.edge.openapi import responses

app = create_app()
CACHE = "public, max-age=300, stale-while-revalidate=600"


@app.get("/categories", summary="List categories", tags=["catalog"], responses=responses(CategoryList))
def list_categories() -> Response[CategoryList]:
    return ok(CategoryList(items=products.list_categories()), cache=CACHE)


lambda_handler = lambda_handler_for(app)
