"""Revenue ledger (SPEC 4): ARR movements, renewals, contract lines, metrics."""
