"""`Idempotency-Key` on POST (SPEC 6, Stripe semantics), as pure ASGI middleware.

For a POST with an `Idempotency-Key` from a valid API key (anything else passes through:
the route answers 401 itself):

1. The key must be 1 to 255 printable ASCII characters (else 422). The body is read in
   full (the body size limit runs outside, so it is bounded) and fingerprinted with the
   method, path + query and the actor headers (`Valuecalc-Actor`, SPEC 6).
2. The key is claimed for the organization with `INSERT … ON CONFLICT DO NOTHING` in its
   own short transaction. If the organization already holds it, unexpired:
   - made by another API key, or with another fingerprint → 422 `idempotency-key-reused`;
   - still in flight → 409 `idempotency-request-in-progress` with `Retry-After`;
   - completed → the stored status, headers and body, plus `Idempotent-Replayed: true`;
   - completed, but its response was `Cache-Control: no-store` (it showed a secret, e.g.
     a new API key's) and so was never stored → 409 `idempotency-response-not-stored`,
     naming the first status and `Location`: the write is not run twice.
   An expired key is deleted and claimed anew.
3. The request runs with the buffered body. A response below 500 (4xx included, as
   Stripe does) is stored as the key's result. A 5xx, or an error before any response,
   releases the claim, so a retry runs again: the route's transaction was rolled back.

Known gaps, by design:
- If the process dies after the route committed but before the response was stored,
  the key stays `in_flight` (retries get 409) until it expires after 24 h.
- Likewise if a response below 500 was started but never finished (an error in the
  middle of a streamed body): its work is committed, so the key is not released; it
  stays `in_flight` rather than risk running the write twice.

Expired keys are deleted now and then by this middleware (at most once a minute per
process, a bounded batch) and in full by `valuecalc purge-idempotency-keys`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

import anyio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.idempotency import repository
from valuecalc_api.idempotency.recording import ResponseRecorder, replay
from valuecalc_api.idempotency.request import (
    acting_for,
    parse_idempotency_key,
    request_fingerprint,
)
from valuecalc_api.middleware.asgi import header_values, send_problem
from valuecalc_api.middleware.caller import resolve_caller
from valuecalc_api.problems import Problem

logger = logging.getLogger("valuecalc.api")

IN_PROGRESS_RETRY_AFTER_SECONDS = 1
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
        caller = await resolve_caller(scope)
        if caller is None:
            await self.app(scope, receive, send)
            return
        try:
            key = parse_idempotency_key(values)
        except Problem as problem:
            await send_problem(scope, receive, send, problem)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client went away before sending its body
        fingerprint = request_fingerprint(
            scope["method"], scope["path"], scope.get("query_string", b""), body, acting_for(scope)
        )
        sessionmaker: async_sessionmaker[AsyncSession] = scope["app"].state.sessionmaker
        outcome = await _claim(sessionmaker, caller, key, fingerprint)
        if isinstance(outcome, repository.ExistingKey):
            await _answer_existing(scope, receive, send, outcome, caller, fingerprint)
            return
        await self._run_and_store(scope, _replaying(body, receive), send, sessionmaker, outcome)
        await self._maybe_purge(sessionmaker)

    async def _run_and_store(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        sessionmaker: async_sessionmaker[AsyncSession],
        claim_id: uuid.UUID,
    ) -> None:
        recorder = ResponseRecorder(send)
        try:
            await self.app(scope, receive, recorder.send)
        finally:
            # Shielded: a cancelled request (client gone) must still settle its claim.
            with anyio.CancelScope(shield=True):
                await _settle(sessionmaker, claim_id, recorder)

    async def _maybe_purge(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        now = self._clock()
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_INTERVAL_SECONDS
        try:
            async with sessionmaker.begin() as session:
                await repository.purge_expired_idempotency_keys(session, limit=PURGE_BATCH)
        except Exception:
            logger.warning("could not purge expired idempotency keys", exc_info=True)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the buffered body, then waits on the client as usual."""
    delivered = False

    async def receive_buffered() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive_buffered


async def _claim(
    sessionmaker: async_sessionmaker[AsyncSession], caller: Principal, key: str, fingerprint: str
) -> uuid.UUID | repository.ExistingKey:
    """Our claim's id, or the organization's unexpired key of the same name."""
    for _ in range(_CLAIM_ATTEMPTS):
        async with sessionmaker.begin() as session:
            claim_id = await repository.claim(
                session,
                organization_id=caller.organization_id,
                key=key,
                api_key_id=caller.key_id,
                fingerprint=fingerprint,
            )
            if claim_id is not None:
                return claim_id
            existing = await repository.find_unexpired(
                session, organization_id=caller.organization_id, key=key
            )
            if existing is not None:
                return existing
            # Expired (or released meanwhile): clear it and claim again.
            await repository.delete_if_expired(
                session, organization_id=caller.organization_id, key=key
            )
    # Three times released or expired under our feet: treat it as busy.
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


async def _settle(
    sessionmaker: async_sessionmaker[AsyncSession],
    claim_id: uuid.UUID,
    recorder: ResponseRecorder,
) -> None:
    """Store the result, release the claim, or (see the gaps above) leave it in flight."""
    async with sessionmaker.begin() as session:
        if recorder.status is None or recorder.status >= 500:
            await repository.release(session, claim_id)
        elif recorder.complete:
            await repository.complete(session, claim_id, recorder.response())
        else:
            logger.warning(
                "idempotency key %s left in flight: its response broke off after it started",
                claim_id,
            )
