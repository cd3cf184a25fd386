"""`Idempotency-Key` on writes (SPEC 6, Stripe semantics): the first result of a request
is stored for 24 h and replayed to retries; see `middleware.py` for the flow."""

from valuecalc_api.idempotency.repository import purge_expired_idempotency_keys

__all__ = ["purge_expired_idempotency_keys"]
