"""Customers: the accounts a vendor tracks value for (SPEC 3)."""
