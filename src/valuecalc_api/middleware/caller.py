"""Who is calling, as seen by middleware that runs before the route's own `authenticate`.

The bearer key is hashed and looked up by `auth.dependencies.find_principal`, the same
function the routes use. A request without a valid key gets no principal here: the
middleware then leaves it alone, and the route answers 401 itself.

The answer is remembered for the rest of this request only (`request.state`), so the
rate limit, the idempotency middleware and the route's `authenticate` look a key up once
per request between them; never across requests (a revoked key is refused by the next).
"""

from __future__ import annotations

from starlette.datastructures import State
from starlette.types import Scope

from valuecalc_api.auth.dependencies import (
    Principal,
    bearer_secret,
    find_principal,
    remember_principal,
    remembered_principal,
)
from valuecalc_api.middleware.asgi import header


def bearer_of(scope: Scope) -> str | None:
    """The request's API key secret if it is shaped like one; not yet checked."""
    return bearer_secret(header(scope, b"authorization"))


async def resolve_caller(scope: Scope) -> Principal | None:
    """The principal behind the request's bearer key, looked up once per request."""
    secret = bearer_of(scope)
    if secret is None:
        return None
    request_state = State(scope.setdefault("state", {}))
    known, principal = remembered_principal(request_state, secret)
    if known:
        return principal
    app_state = scope["app"].state
    principal = await find_principal(app_state.engine, app_state.settings, secret)
    remember_principal(request_state, secret, principal)
    return principal
