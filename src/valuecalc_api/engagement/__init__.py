"""Engagement: touches with customers and what they say (days since the last touch,
touches per period, cadence, silent customers) (SPEC 5)."""
