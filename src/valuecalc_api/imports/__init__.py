"""Integration-grade writes (SPEC 6 "Bulk endpoints"): bulk measurement and input-change
rows addressed by id or by the stable keys an integration knows, and CSV import/template.

Every request is validated in full first (each bad row reported by index, or by CSV line
and column), then applied all or nothing with a few set-based statements.
"""
