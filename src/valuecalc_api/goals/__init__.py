"""Customer goals (outcomes, key business objectives): status, share achieved, overdue
goals (SPEC 5)."""
