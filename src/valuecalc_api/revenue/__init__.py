"""Revenue ledger and metrics on the API (SPEC 4)."""
