"""`Idempotency-Key` on POST (SPEC 6, Stripe semantics), as pure ASGI middleware.

For a POST with an `Idempotency-Key` from a valid API key (anything else passes through:
the route answers 401 itself):

1. The key must be 1 to 255 printable ASCII characters (else 422). The body is read in
   full (the body size limit runs outside, so it is bounded) and fingerprinted with the
   method, path + query and the actor headers (`Valuecalc-Actor`, SPEC 6;
   `request.request_fingerprint`).
2. The request's one transaction begins (`db.request_transaction`, opened here rather
   than by the route's session because the claim precedes routing), and the key is
   claimed in it for the organization (`INSERT … ON CONFLICT DO NOTHING`). A request holding the same key in
   an uncommitted transaction makes the insert wait, at most `CLAIM_WAIT` (lock_timeout):
   then it answers 409 `idempotency-request-in-progress` with `Retry-After`; as soon as
   the first transaction ends the key is either free (it rolled back) or completed.
   If the organization already holds the key, unexpired:
   - made by another API key, or with another fingerprint → 422 `idempotency-key-reused`;
   - completed → the stored status, headers and body, plus `Idempotent-Replayed: true`;
   - completed, but its response was `Cache-Control: no-store` (it showed a secret, e.g.
     a new API key's) and so was never stored → 409 `idempotency-response-not-stored`,
     naming the first status and `Location`: the write is not run twice.
   An expired key is deleted and claimed anew.
3. The route runs in that transaction (the route's session joins it) and its response
   is held back. A response below 500 (4xx included, as Stripe does) is stored as the
   key's result and the transaction commits; only then is the response sent. A 5xx, an error,
   or a failed commit rolls everything back, claim included, so a retry runs again.

So a crash at any point leaves either nothing (the retry runs) or the write with its
stored response (the retry replays it): never a key stuck in flight. A commit whose
outcome is unknown (the connection dropped during it) answers 503; the retry finds out.

Expired keys are deleted now and then by this middleware (at most once a minute per
process, a bounded batch) and in full by `valuecalc purge-idempotency-keys`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.database_errors import sqlstate_of
from valuecalc_api.db import request_transaction, separate_transaction
from valuecalc_api.idempotency import repository
from valuecalc_api.idempotency.recording import HeldResponse, replay
from valuecalc_api.idempotency.request import (
    acting_for,
    parse_idempotency_key,
    request_fingerprint,
)
from valuecalc_api.middleware.asgi_messages import header_values, read_body, replaying, send_problem
from valuecalc_api.middleware.caller import look_up_caller
from valuecalc_api.problems import Problem

logger = logging.getLogger("valuecalc.api")

IN_PROGRESS_RETRY_AFTER_SECONDS = 1
# How long a request waits for another one holding its key to finish before its 409.
CLAIM_WAIT = timedelta(seconds=1)
LOCK_NOT_AVAILABLE = "55P03"
PURGE_INTERVAL_SECONDS = 60.0
PURGE_BATCH = 1000
_CLAIM_ATTEMPTS = 3


class IdempotencyMiddleware:
    """Idempotency keys on `methods` (POST: Stripe's choice; PUT and DELETE are idempotent
    by definition, PATCH is guarded by If-Match)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        methods: frozenset[str] = frozenset({"POST"}),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.methods = methods
        self._clock = clock
        self._next_purge = clock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.methods:
            await self.app(scope, receive, send)
            return
        values = header_values(scope, b"idempotency-key")
        if not values:
            await self.app(scope, receive, send)
            return
        caller = await look_up_caller(scope)
        if caller is None:
            await self.app(scope, receive, send)
            return
        try:
            key = parse_idempotency_key(values)
        except Problem as problem:
            await send_problem(scope, receive, send, problem)
            return
        body = await read_body(receive)
        if body is None:
            return  # the client went away before sending its body
        fingerprint = request_fingerprint(
            scope["method"], scope["path"], scope.get("query_string", b""), body, acting_for(scope)
        )
        held = HeldResponse()
        async with request_transaction(scope) as transaction:
            try:
                outcome = await _claim(transaction.session, caller, key, fingerprint)
            except Exception as error:
                if sqlstate_of(error) != LOCK_NOT_AVAILABLE:
                    raise
                outcome = repository.ExistingKey(
                    api_key_id=caller.key_id, fingerprint=fingerprint, response=None
                )
            if isinstance(outcome, repository.ExistingKey):
                transaction.roll_back_at_end()
            else:
                await self.app(scope, replaying(body, receive), held.send)
                if held.status is None or held.status >= 500 or not held.complete:
                    transaction.roll_back_at_end()
                else:
                    await repository.complete(transaction.session, outcome, held.response())
        if isinstance(outcome, repository.ExistingKey):
            await _answer_existing(scope, receive, send, outcome, caller, fingerprint)
            return
        await held.forward(send)
        await self._maybe_purge(scope["app"].state.sessionmaker)

    async def _maybe_purge(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        now = self._clock()
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_INTERVAL_SECONDS
        try:
            async with separate_transaction(sessionmaker) as session:
                await repository.purge_expired_idempotency_keys(session, limit=PURGE_BATCH)
        except Exception:
            logger.warning("could not purge expired idempotency keys", exc_info=True)


async def _claim(
    session: AsyncSession, caller: Principal, key: str, fingerprint: str
) -> uuid.UUID | repository.ExistingKey:
    """Our claim's id, or the organization's unexpired key of the same name. Raises
    lock_not_available if another transaction holds the key longer than `CLAIM_WAIT`."""
    await repository.set_lock_timeout(session, CLAIM_WAIT)
    for _ in range(_CLAIM_ATTEMPTS):
        claim_id = await repository.claim(
            session,
            organization_id=caller.organization_id,
            key=key,
            api_key_id=caller.key_id,
            fingerprint=fingerprint,
        )
        if claim_id is not None:
            await repository.set_lock_timeout(session, None)
            return claim_id
        existing = await repository.find_unexpired(
            session, organization_id=caller.organization_id, key=key
        )
        if existing is not None:
            return existing
        # Expired: clear it and claim again.
        await repository.delete_if_expired(session, organization_id=caller.organization_id, key=key)
    # Expired under our feet three times: treat it as busy.
    return repository.ExistingKey(api_key_id=caller.key_id, fingerprint=fingerprint, response=None)


async def _answer_existing(
    scope: Scope,
    receive: Receive,
    send: Send,
    existing: repository.ExistingKey,
    caller: Principal,
    fingerprint: str,
) -> None:
    if existing.api_key_id != caller.key_id or existing.fingerprint != fingerprint:
        await send_problem(
            scope,
            receive,
            send,
            Problem(
                422,
                "idempotency-key-reused",
                "This Idempotency-Key was already used for a different request (another "
                "method, path, body, API key or Valuecalc-Actor) in the last 24 hours; use a "
                "new key.",
            ),
        )
    elif existing.response is None:
        await send_problem(
            scope,
            receive,
            send,
            Problem(
                409,
                "idempotency-request-in-progress",
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                headers={"Retry-After": str(IN_PROGRESS_RETRY_AFTER_SECONDS)},
            ),
        )
    elif existing.response.body is None:
        location = dict(existing.response.headers).get("location")
        await send_problem(
            scope,
            receive,
            send,
            Problem(
                409,
                "idempotency-response-not-stored",
                f"The request with this Idempotency-Key already succeeded (status "
                f"{existing.response.status}); its response was marked no-store (it showed "
                "a secret) and was not kept, so it cannot be replayed. Look the result up "
                "instead of retrying.",
                extra={"original_status": existing.response.status}
                | ({"location": location} if location else {}),
            ),
        )
    else:
        await replay(send, existing.response)
