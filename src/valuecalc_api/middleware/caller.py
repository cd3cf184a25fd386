"""Who is calling, as seen by middleware that runs before routing (rate limits,
idempotency keys).

The bearer key is hashed and looked up by `auth.dependencies.find_principal`, the
function the routes use. A request without a valid key gets no principal here: the
middleware then leaves it alone, and the route answers 401 itself. Nothing is handed on
to the route: a route looks its caller up in its own dependency, in the query that also
reads what it needs (a tracker's report reads the key and the tracker in one).
"""

from __future__ import annotations

from starlette.types import Scope

from valuecalc_api.auth.dependencies import Principal, bearer_secret, find_principal
from valuecalc_api.middleware.asgi_messages import header


def bearer_of(scope: Scope) -> str | None:
    """The request's API key secret if it is shaped like one; not yet checked."""
    return bearer_secret(header(scope, b"authorization"))


async def look_up_caller(scope: Scope) -> Principal | None:
    """The principal behind the request's bearer key, None without a valid one."""
    secret = bearer_of(scope)
    if secret is None:
        return None
    app_state = scope["app"].state
    return await find_principal(app_state.engine, app_state.settings, secret)
