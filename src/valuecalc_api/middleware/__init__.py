"""Request handling around every route: request ids, rate limits, body size limit,
idempotency keys.

`stack.install_request_handling(app, settings)` adds them in this order, outermost first:

1. `RequestIdMiddleware`: the request's id (`X-Request-ID`), on every answer and on every
   audit event the request writes.
2. `ObserveMiddleware`: the request's log line and metrics, for every answer as sent.
3. `RateLimitMiddleware`: cheap refusals first, and its headers land on every answer.
4. `BodySizeLimitMiddleware`: a 413 before anything reads or stores the body.
5. `IdempotencyMiddleware` (package `idempotency`): claims, replays, stores results.
6. `CachedReportFastPath`: a plain cached tracker-report GET answered before routing,
   with the route's own checks (`report_fast_path`).
"""
