"""The audit trail (SPEC 6): every change to a measurement, input, evidence, note or lock.

Write paths call `service.record` (one change) or `service.record_many` (bulk writes);
`routes` serves a tracker's history and one measurement's history. Rows are append-only.
"""
