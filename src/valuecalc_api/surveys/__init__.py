"""Survey responses and their scores: NPS, CSAT, CES, "would you renew today" (SPEC 5)."""
