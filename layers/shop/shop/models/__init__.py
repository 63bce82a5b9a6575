"""pydantic v2 models of what crosses the API: request bodies and response documents.
Import the submodule you need (shop.models.catalog, shop.models.users)."""
