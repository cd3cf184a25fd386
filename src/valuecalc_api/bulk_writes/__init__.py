"""Integration-grade writes (SPEC 6 "Bulk endpoints"): the `{"rows": [...]}` requests, rows
addressed by id or by the stable keys an integration knows, their per-row problems and
answers. The writes themselves are `measurements.writes` and `input_changes.writes`.

Every request is validated in full first (each bad row reported by index, or by CSV line
and column), then applied all or nothing with a few set-based statements.
"""
