"""Revenue metrics on the API (SPEC 4): the ARR ledger's storage, ingestion and reads.

Writes (`writes`, `write_routes`) validate the whole ledger of every customer they touch
through the core (`valuecalc_core.revenue`) and apply all rows or none; reads
(`metrics_*`) aggregate in PostgreSQL and hand the core its pre-aggregated form.
"""
