"""Value Trackers and their use cases (SPEC 3 "Objects"); calculations: `calculations`."""
