"""Data-quality review before a QBR (SPEC 3 "Trends and data-quality review").

For one calculation, over its months from the contract start to `as_of`, it
lists what a reviewer must look at:

- `missing_month`: a month without its own measurement (carried or none).
- `spike`: a month whose month-over-month change is an outlier by the modified
  z-score z = 0.6745 x (c - median) / MAD over the changes c between
  consecutive measurements (Iglewicz & Hoaglin); |z| > SPIKE_Z_THRESHOLD (3.5)
  is a spike. The MAD is floored at MAD_FLOOR_SHARE x scale (scale = |baseline|,
  or the median |value| when the baseline is 0) so a series of identical
  changes does not turn a tiny wobble into a spike. Needs at least
  MIN_CHANGES_FOR_SPIKES changes.
- `suspected_unit_mistake`: a value whose ratio to the median of its
  neighbours (up to UNIT_NEIGHBOURS measurements on each side, at least
  UNIT_MIN_NEIGHBOURS in all; with an even number, against both middle values)
  is near 5, 7, or 20..31, or the inverse of one (weekly or monthly entered as
  daily, or the reverse). "Near" means within UNIT_TOLERANCE relative to the factor (for the
  20..31 range: between 20 x (1 - tol) and 31 x (1 + tol)).
- `estimate_without_note`: an estimate with no note in its month.
- `spike_without_context`: a spike with neither a note nor evidence in its month.
- `stalled`: after gains, the latest measured months are flat (the trend's headline
  is a recent `flat`, `trend.read_trend`); its month is the one the improvement stopped.
- `recent_decline`: after gains, the latest measured months decline; its month is the
  peak the decline started from.

Which months have notes or evidence is an input (`CalculationAnnotations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from enum import StrEnum
from itertools import compress, repeat
from operator import gt, is_not, sub

from valuecalc_core.frozen import fast_init
from valuecalc_core.months import Month
from valuecalc_core.timeline import Provenance

SPIKE_Z_THRESHOLD = Decimal("3.5")
MODIFIED_Z_FACTOR = Decimal("0.6745")
MAD_FLOOR_SHARE = Decimal("0.01")
MIN_CHANGES_FOR_SPIKES = 3
UNIT_NEIGHBOURS = 2
UNIT_MIN_NEIGHBOURS = 2
UNIT_TOLERANCE = Decimal("0.1")
UNIT_FACTORS = (Decimal(5), Decimal(7))
UNIT_FACTOR_RANGE = (Decimal(20), Decimal(31))

_ZERO = Decimal(0)
_ONE = Decimal(1)


class FindingKind(StrEnum):
    MISSING_MONTH = "missing_month"
    SPIKE = "spike"
    SUSPECTED_UNIT_MISTAKE = "suspected_unit_mistake"
    ESTIMATE_WITHOUT_NOTE = "estimate_without_note"
    SPIKE_WITHOUT_CONTEXT = "spike_without_context"
    STALLED = "stalled"
    RECENT_DECLINE = "recent_decline"
    MEASURED_NOT_COUNTED = "measured_not_counted"


_KIND_ORDER = {kind: position for position, kind in enumerate(FindingKind)}
_MEASURED = Provenance.MEASURED
_ESTIMATE = Provenance.ESTIMATE


@dataclass(frozen=True, slots=True)
class CalculationAnnotations:
    """The months of one calculation that have a note, and those that have evidence."""

    note_months: frozenset[Month] = frozenset()
    evidence_months: frozenset[Month] = frozenset()


NO_ANNOTATIONS = CalculationAnnotations()


@fast_init
@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a reviewer must look at; `detail` is a sentence for a person.

    `value` is the month's measured value (None for a missing month); `score` is
    the spike's modified z-score or the unit mistake's ratio to its neighbours.
    """

    kind: FindingKind
    calculation_id: str
    month: Month
    detail: str
    value: Decimal | None = None
    score: Decimal | None = None


def measured_not_counted(
    calculation_id: str,
    use_case_name: str,
    status: str,
    measured: Sequence[Month],
) -> tuple[Finding, ...]:
    """A finding when a use case that is not active (draft, inactive) has measurements:
    they count in no total (SPEC 3), which a user who measures it may not expect."""
    if not measured:
        return ()
    count = len(measured)
    return (
        Finding(
            FindingKind.MEASURED_NOT_COUNTED,
            calculation_id,
            measured[0],
            f"{count} measurement{'s' * (count != 1)} recorded from {measured[0]} in use case "
            f"{use_case_name!r}, which is {status}: they count in no total until the use "
            "case is active.",
        ),
    )


def review_calculation(
    calculation_id: str,
    baseline: Decimal,
    months: Sequence[Month],
    metric: Sequence[Decimal | None],
    provenance: Sequence[Provenance],
    annotations: CalculationAnnotations = NO_ANNOTATIONS,
) -> tuple[Finding, ...]:
    """Findings for one calculation's months (up to `as_of`, ascending), ordered by month then kind."""
    own = [
        index
        for index, origin in enumerate(provenance)
        if origin is _MEASURED or origin is _ESTIMATE
    ]
    values: list[Decimal] = [metric[index] for index in own]  # type: ignore[misc]  # own: valued
    return review_measured(
        calculation_id, baseline, months, metric, provenance, own, values, annotations
    )


def review_measured(
    calculation_id: str,
    baseline: Decimal,
    months: Sequence[Month],
    metric: Sequence[Decimal | None],
    provenance: Sequence[Provenance],
    own: Sequence[int],
    values: Sequence[Decimal],
    annotations: CalculationAnnotations = NO_ANNOTATIONS,
    labels: Sequence[str] | None = None,
    changes: Sequence[Decimal] | None = None,
) -> tuple[Finding, ...]:
    """`review_calculation` given `own`, the ascending indices of the months with their own
    value, and `values`, the metric in those months: the report knows both already.

    `labels`, if given, are `str(month)` of each month (a report formats them once);
    `changes`, if given, are `values[k + 1] - values[k]` (the report shares them with the trend).
    """
    notes = annotations.note_months
    findings: list[Finding] = []
    # One pass over the months without a plain measurement (picked in C), in month
    # order, yields the missing-month and estimate findings already sorted: a month
    # is either without its own value or an estimate, never both.
    for index in compress(range(len(provenance)), map(is_not, provenance, repeat(_MEASURED))):
        month = months[index]
        label = str(month) if labels is None else labels[index]
        if provenance[index] is _ESTIMATE:
            if not notes or month not in notes:
                findings.append(
                    Finding(
                        FindingKind.ESTIMATE_WITHOUT_NOTE,
                        calculation_id,
                        month,
                        f"{label} is an estimate without a note saying how it was estimated.",
                        metric[index],
                    )
                )
        else:
            findings.append(
                Finding(
                    FindingKind.MISSING_MONTH,
                    calculation_id,
                    month,
                    f"{label} has no measurement of its own.",
                )
            )
    if changes is None:
        changes = list(map(sub, values[1:], values[:-1]))
    unusual = _spikes(calculation_id, baseline, months, own, values, changes, annotations)
    unusual += _unit_mistakes(calculation_id, months, own, values)
    if unusual:
        findings += unusual
        findings.sort(key=lambda f: (f.month.ordinal, _KIND_ORDER[f.kind]))
    return tuple(findings)


def trend_findings(
    calculation_id: str,
    measured_months: Sequence[Month],
    since: int | None,
    since_count: int,
    stalled: bool,
) -> tuple[Finding, ...]:
    """The `stalled` or `recent_decline` finding of a trend reading whose headline is recent.

    `measured_months` are the months with their own value; `since` indexes them.
    """
    if since is None:
        return ()
    month = measured_months[since]
    if stalled:
        detail = (
            f"Stalled since {month}: no improvement over the last {since_count} measured "
            "months after earlier gains. Adoption may have stalled; check in with the champion."
        )
        return (Finding(FindingKind.STALLED, calculation_id, month, detail),)
    detail = (
        f"Declining since {month}: the last {since_count} measured months fell from that "
        "month's peak. Find out what changed before the next review."
    )
    return (Finding(FindingKind.RECENT_DECLINE, calculation_id, month, detail),)


def merge_findings(
    findings: tuple[Finding, ...], extra: tuple[Finding, ...]
) -> tuple[Finding, ...]:
    """Both sets of findings, ordered by month then kind as `review_measured` orders them."""
    if not extra:
        return findings
    return tuple(sorted(findings + extra, key=lambda f: (f.month.ordinal, _KIND_ORDER[f.kind])))


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _spikes(
    calculation_id: str,
    baseline: Decimal,
    months: Sequence[Month],
    own: Sequence[int],
    values: Sequence[Decimal],
    changes: Sequence[Decimal],
    annotations: CalculationAnnotations,
) -> list[Finding]:
    if len(changes) < MIN_CHANGES_FOR_SPIKES:
        return []
    median = _median(changes)
    deviations = list(map(abs, map(sub, changes, repeat(median))))
    mad = _median(deviations)
    scale = abs(baseline) or _median(list(map(abs, values)))
    mad = max(mad, MAD_FLOOR_SHARE * scale)
    if mad.is_zero():
        return []
    findings: list[Finding] = []
    # |z| > threshold  <=>  |change - median| > threshold x MAD / factor (one division),
    # so only the few changes beyond `limit` get a z-score; the test itself runs in C.
    limit = SPIKE_Z_THRESHOLD * mad / MODIFIED_Z_FACTOR
    for position in compress(range(len(changes)), map(gt, deviations, repeat(limit))):
        change = changes[position]
        score = MODIFIED_Z_FACTOR * (change - median) / mad
        if abs(score) <= SPIKE_Z_THRESHOLD:
            continue  # the rearranged test agrees except at the rounding edge
        month = months[own[position + 1]]
        value = values[position + 1]
        findings.append(
            Finding(
                FindingKind.SPIKE,
                calculation_id,
                month,
                f"{month}: the change of {change} from the previous measurement is unusual "
                f"(modified z-score {score.quantize(Decimal('0.1'))}).",
                value,
                score,
            )
        )
        if month not in annotations.note_months and month not in annotations.evidence_months:
            findings.append(
                Finding(
                    FindingKind.SPIKE_WITHOUT_CONTEXT,
                    calculation_id,
                    month,
                    f"{month} is a spike with neither a note nor evidence explaining it.",
                    value,
                    score,
                )
            )
    return findings


def _suspect_intervals() -> tuple[tuple[Decimal, Decimal], ...]:
    """Ratio intervals (inclusive) that look like a unit mistake, and their inverses."""
    low, high = UNIT_FACTOR_RANGE
    intervals = [(f * (_ONE - UNIT_TOLERANCE), f * (_ONE + UNIT_TOLERANCE)) for f in UNIT_FACTORS]
    intervals.append((low * (_ONE - UNIT_TOLERANCE), high * (_ONE + UNIT_TOLERANCE)))
    exact = Context(prec=34)  # independent of the importing context
    intervals += [(exact.divide(_ONE, b), exact.divide(_ONE, a)) for a, b in intervals]
    return tuple(sorted(intervals))


_SUSPECT_INTERVALS = _suspect_intervals()
# Ratios strictly inside this band match no interval: the common case, checked first.
_PLAIN_LOW = max(b for b in (high for _, high in _SUSPECT_INTERVALS) if b < _ONE)
_PLAIN_HIGH = min(a for a in (low for low, _ in _SUSPECT_INTERVALS) if a > _ONE)


def looks_like_unit_mistake(ratio: Decimal) -> bool:
    """Whether `ratio` (value / neighbours' median) is near 5, 7, 20..31 or an inverse."""
    if _PLAIN_LOW < ratio < _PLAIN_HIGH or ratio <= 0:
        return False
    return any(low <= ratio <= high for low, high in _SUSPECT_INTERVALS)


def _no_ratio_can_be_suspect(values: Sequence[Decimal]) -> bool:
    # A neighbours' median lies between the smallest and the largest value, so with
    # all values positive every ratio lies within [min/max, max/min]; when that
    # stays strictly inside the plain band no value can look like a unit mistake.
    smallest, largest = min(values), max(values)
    return smallest > 0 and largest < _PLAIN_HIGH * smallest and smallest > _PLAIN_LOW * largest


def _unit_mistakes(
    calculation_id: str, months: Sequence[Month], own: Sequence[int], values: Sequence[Decimal]
) -> list[Finding]:
    findings: list[Finding] = []
    if not values or _no_ratio_can_be_suspect(values):
        return findings
    for index, value in enumerate(values):
        month = months[own[index]]
        neighbours = sorted(
            [
                *values[max(0, index - UNIT_NEIGHBOURS) : index],
                *values[index + 1 : index + 1 + UNIT_NEIGHBOURS],
            ]
        )
        if len(neighbours) < UNIT_MIN_NEIGHBOURS or value.is_zero():
            continue
        middle = len(neighbours) // 2
        # With an even number of neighbours both middle values must look like a unit
        # mistake, so one odd neighbour cannot make a normal value suspect.
        references = (
            neighbours[middle - 1 : middle + 1]
            if len(neighbours) % 2 == 0
            else [neighbours[middle]]
        )
        if any(r.is_zero() or not looks_like_unit_mistake(value / r) for r in references):
            continue
        ratio = value / references[-1]
        findings.append(
            Finding(
                FindingKind.SUSPECTED_UNIT_MISTAKE,
                calculation_id,
                month,
                f"{month}: {value} is {ratio.quantize(Decimal('0.01'))} times its neighbours' "
                "median; was a weekly or monthly figure entered as a daily one (or the reverse)?",
                value,
                ratio,
            )
        )
    return findings
