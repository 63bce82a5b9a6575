"""minishop's domain package, shipped to every function in the shared layer.

Read it from the tree (docs/architecture.md has the map):

- ``shop.edge``: the HTTP edge - the Powertools app, the one error shape, session tokens on requests,
  OpenAPI helpers. Functions' handlers import it and one context.
- ``shop.catalog``, ``shop.buying``, ``shop.growth``, ``shop.users``: the bounded contexts, each with
  its actions, its rules and its pydantic models beside them.
- ``shop.adapters``: how AWS, WeChat and the clock are reached (DynamoDB, Secrets Manager, HTTP,
  token signing), pointed at local endpoints by configuration.
- ``shop.core``: values every layer shares (errors, money, ids, cursors, base models); no I/O.

Dependencies point one way - edge -> contexts -> adapters -> core - with no cycles between
packages or modules; the import contract in pyproject.toml (import-linter, run by `make test`)
fails the build otherwise. Nothing here imports eagerly at package level: a function's cold start
pays for every module it touches.
"""
