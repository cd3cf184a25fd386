"""One view of a customer (`/customers/{id}/summary`) and of the book (`/book`, `/book.csv`,
`/pulse-book`): ARR, value realized vs projected, health, pulse and signals, each figure
with its as-of date (SPEC 5)."""
