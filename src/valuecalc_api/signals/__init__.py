"""What every customer-signal package shares (SPEC 5): the organization's signal settings
(time zone, value features), customer addressing and visibility, windows, bulk answers."""
