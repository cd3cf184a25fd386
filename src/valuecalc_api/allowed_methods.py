"""The `Allow` header of a 405: every method of every route at the request's path.

Starlette answers a 405 from the first route whose path matched, naming only that
route's methods; FastAPI registers one route per operation, so a path with GET, PATCH
and DELETE would claim to allow GET alone (RFC 9110 section 15.5.6 wants them all).
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path


def _route_table(app: FastAPI) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    table: list[tuple[re.Pattern[str], frozenset[str]]] = getattr(
        app.state, "allowed_methods_table", None
    ) or [
        (compile_path(context.path)[0], frozenset(context.methods))
        for context in iter_route_contexts(app.routes)
        if context.path is not None and context.methods
    ]
    app.state.allowed_methods_table = table
    return table


def allowed_methods(app: FastAPI, path: str) -> str:
    """`Allow` for `path`: its routes' methods, sorted, comma-separated."""
    methods = set().union(*(methods for regex, methods in _route_table(app) if regex.match(path)))
    return ", ".join(sorted(methods))
