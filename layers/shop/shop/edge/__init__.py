"""The HTTP edge: the Powertools resolver every function uses (api), exceptions mapped to the one
error shape, the caller's session from its bearer token (auth) and OpenAPI response helpers
(openapi). Handlers stay thin: they validate with the contexts' models and call one action."""
