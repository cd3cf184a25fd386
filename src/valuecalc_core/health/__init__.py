"""Customer health (SPEC 5): explainable scores, overrides, trends and the backtest.

Definitions (the API states them in its answers; every number is a `Decimal`):

Indicator points
    Each indicator of a profile maps its raw value to 0-100 linearly between
    `zero_at` ("0 at or below") and `full_at` ("100 at or above"):
    points = (value - zero_at) * 100 / (full_at - zero_at), clamped to 0..100.
    With `full_at < zero_at` lower is better (days since last touch: 0 at 30 days,
    100 at 7 days scores 18 days as 52.17).
Score
    The weighted mean of the points of the indicators that have a value:
    score = sum(points_i * weight_i) / sum(weight_i over indicators with a value).
    An indicator without a value is skipped and its weight shared out among the others
    in proportion to theirs (the answer lists it as skipped). With no indicator valued the
    score is undefined, with a reason, never 0.
Rounding (presentation only)
    The score is shown to 2 decimals (ROUND_HALF_EVEN) of its exact value. Each
    contribution (points_i * weight_i / sum of weights) is shown to 2 decimals by the
    largest-remainder method: every contribution is cut down to the cent, and the cents the
    shown score still needs go to the largest cut-off remainders (ties to the earlier
    indicator), so the shown contributions add up exactly to the shown score. Points are
    shown to 2 decimals, weights after reweighting as fractions to 4 decimals.
Band
    Judged on the shown score: below `yellow_from` red, below `green_from` yellow, else green.
Override
    A CSM's score with a reason, an author and an expiry date, shown beside the computed
    score. It applies from `starts_on` through `expires_on` (both included) unless ended
    earlier; the day after `expires_on` it no longer applies.
Backtest
    For the customers with ARR > 0 at a past date: lost = churned (no ARR after the horizon)
    or contracted (less ARR); per band the churn and contraction rates; AUC = the chance
    that a retained customer has a higher score than a lost one, ties counting half
    (Mann-Whitney U / (retained x lost)).
"""
