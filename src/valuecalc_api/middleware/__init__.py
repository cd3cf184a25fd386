"""Request handling around every route: request ids, rate limits, body size limit,
idempotency keys.

`stack.install_request_handling(app, settings)` adds them in this order, outermost first:

1. `RequestIdMiddleware`: the request's id (`X-Request-ID`), on every answer and on every
   audit event the request writes.
2. `ObserveMiddleware`: the request's log line and metrics, for every answer as sent.
3. `DatabaseErrorGuard` (`database_errors`): a transient database error anywhere inside
   answers 503 `database-interrupted` with `Retry-After`, never an escaped exception.
4. `RateLimitMiddleware`: cheap refusals first, and its headers land on every answer.
5. `BodySizeLimitMiddleware`: a 413 before anything reads or stores the body.
6. `InputRulesMiddleware`: no control characters in path and query, JSON depth limit.
7. `IdempotencyMiddleware` (package `idempotency`): claims, replays, stores results.

`asgi_messages` holds what they share: header lookup, problem+json answers, buffered
request bodies. `caller` looks the bearer key up for the two that need the caller before
routing (rate limits, idempotency keys).
"""
