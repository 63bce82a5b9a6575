"""minishop's domain package, shipped to every function in the shared layer.

Modules import only what they need: a function's cold start pays for every module it touches,
so nothing here imports eagerly at package level.
"""
