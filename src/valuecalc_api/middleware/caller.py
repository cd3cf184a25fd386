"""Who is calling, as seen by middleware that runs before the route's own `authenticate`.

The bearer key is hashed and looked up by `auth.dependencies.find_principal`, the same
function the routes use. A request without a valid key gets no principal here: the
middleware then leaves it alone, and the route answers 401 itself.
"""

from __future__ import annotations

from starlette.types import Scope

from valuecalc_api.auth.dependencies import Principal, bearer_secret, find_principal
from valuecalc_api.middleware.asgi import header


def bearer_of(scope: Scope) -> str | None:
    """The request's API key secret if it is shaped like one; not yet checked."""
    return bearer_secret(header(scope, b"authorization"))


async def resolve_caller(scope: Scope) -> Principal | None:
    """The principal behind the request's bearer key, looked up now (never cached)."""
    secret = bearer_of(scope)
    if secret is None:
        return None
    state = scope["app"].state
    async with state.sessionmaker() as session:
        return await find_principal(session, state.settings, secret)
