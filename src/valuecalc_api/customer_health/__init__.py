"""Customer health on the API: versioned score profiles, scores with their explanation,
history and trend, CSM overrides and the backtest (SPEC 5; the numbers are
`valuecalc_core.health`'s)."""
