"""Integration-grade writes (SPEC 6 "Bulk endpoints"): the `{"rows": [...]}` requests, rows
addressed by id or by the stable keys an integration knows, their per-row problems and
answers, and what a single-month `PUT` or `DELETE` shares with them (`single_month`,
`repository.lock_new_month`). The writes themselves are `measurements.writes` and
`input_changes.writes`; the bulk routes are `measurements.bulk_routes`.

Every request is validated in full first (each bad row reported by index, or by CSV line
and column), then applied all or nothing with a few set-based statements.
"""
