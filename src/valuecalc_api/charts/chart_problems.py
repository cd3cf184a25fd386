"""The problems only charts answer (their wording shared by the code and the contract's
examples)."""

from __future__ import annotations

from collections.abc import Sequence

from valuecalc_api.problems import Problem


def currency_required(currencies: Sequence[str]) -> Problem:
    return Problem(
        422,
        "currency-required",
        "Amounts in different currencies are never added: name one of "
        f"{', '.join(currencies)} with `currency`.",
        extra={"currencies": list(currencies)},
    )


def portfolio_empty() -> Problem:
    return Problem(422, "portfolio-empty", "There is no tracker to draw.")


def render_timeout(seconds: float) -> Problem:
    return Problem(
        503,
        "chart-render-timeout",
        f"Rendering took longer than its budget of {seconds:g} s; try again later (a "
        "chart's Vega-Lite spec, .vl.json, needs no rendering).",
        headers={"Retry-After": "5"},
    )


def chart_too_large(max_bytes: int) -> Problem:
    return Problem(
        503,
        "chart-too-large",
        f"The rendered chart exceeds {max_bytes} bytes; ask for a smaller size.",
    )
