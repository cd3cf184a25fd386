"""Measurements as CSV files (SPEC 6): the template a customer fills in, and reading a
filled-in file into the rows of a bulk measurement write (`measurements.writes`)."""
