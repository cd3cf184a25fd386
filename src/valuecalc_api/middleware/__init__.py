"""Request handling around every route: rate limits, body size limit, idempotency keys.

`stack.install_request_handling(app, settings)` adds them in this order, outermost first:

1. `RateLimitMiddleware`: cheap refusals first, and its headers land on every answer.
2. `BodySizeLimitMiddleware`: a 413 before anything reads or stores the body.
3. `IdempotencyMiddleware` (package `idempotency`): claims, replays, stores results.
4. `CachedReportFastPath`: a plain cached tracker-report GET answered before routing,
   with the route's own checks (`report_fast_path`).
"""
