"""Read side of the Value Tracker: measurement tables, the Measurements-tab view, the
tracker (QBR) report and the portfolio report, as JSON and CSV (SPEC 3, 6)."""
