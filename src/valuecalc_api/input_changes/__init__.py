"""Input changes: an input's value from a month on (SPEC 3 "Carry-forward timelines")."""
