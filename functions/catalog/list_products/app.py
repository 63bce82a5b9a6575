"""GET /products - browse the catalog: filter by category, search, sort, paginate."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from shop.catalog import products
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.catalog.models import ProductPage
from shop.edge.openapi import responses

app = create_app()
CACHE = "public, max-age=60, stale-while-revalidate=120"


@app.get(
    "/products",
    summary="List products",
    description="Cursor-paginated. Pass `next_cursor` back as `cursor` with the same category, q and "
    "sort; a cursor from another query is refused with 400 invalid_cursor.",
    tags=["catalog"],
    responses=responses(ProductPage, 400),
)
def list_products(
    category: Annotated[str | None, Query(pattern=products.ID_PATTERN, description="Category id")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50, description="Search words")] = None,
    sort: Annotated[products.Sort, Query(description="Order of the list")] = "default",
    cursor: Annotated[str | None, Query(min_length=1, max_length=512, description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=products.MAX_LIMIT, description="Page size")] = products.DEFAULT_LIMIT,
) -> Response[ProductPage]:
    page = products.list_products(category=category, q=q, sort=sort, cursor=cursor, limit=limit)
    return ok(page, cache=CACHE)


lambda_handler = lambda_handler_for(app)
