"""Benefit calculations of a use case: metric, formula, inputs, ramp (SPEC 3 "Objects")."""
