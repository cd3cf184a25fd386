"""valuecalc's HTTP shell: FastAPI routes, pydantic schemas, SQLAlchemy models, auth.

It gathers inputs from PostgreSQL, calls `valuecalc_core`, stores and serializes
the result (CONVENTIONS.md: a functional core inside an imperative shell).
"""
