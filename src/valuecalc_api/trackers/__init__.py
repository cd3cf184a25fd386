"""Value Trackers, their use cases and benefit calculations (SPEC 3 "Objects")."""
