"""Values recorded month by month: input changes and metric measurements (SPEC 3)."""
