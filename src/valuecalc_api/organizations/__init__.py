"""Organizations (tenants) and their API keys: creation, listing and revocation (SPEC 6)."""
