"""The Value Tracker's input model (SPEC 3 "Objects"): what the shell builds from database rows.

Frozen dataclasses, validated on construction so an invalid tracker cannot
exist: every month lies in the contract period, each input has its value from
the contract's first month, at most one measurement per calculation-month.
Ids are strings chosen by the shell; amounts and measurements are `Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from valuecalc_core.errors import CoreError
from valuecalc_core.money import minor_units
from valuecalc_core.months import Month, Period

# The names every formula may use besides the calculation's inputs (SPEC 3 "Formula").
# Kept here as well as in the formula language so the model can refuse an input
# that would shadow one of them without importing the formula engine.
RESERVED_VARIABLES = frozenset({"metric", "baseline", "target", "improvement", "delta"})


class TrackerValidationError(CoreError):
    """A tracker, use case or calculation that breaks a rule of SPEC 3."""

    code = "invalid_tracker"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class BenefitKind(StrEnum):
    COST_SAVINGS = "cost_savings"
    REVENUE_INCREASE = "revenue_increase"
    COST_AVOIDANCE = "cost_avoidance"
    OTHER = "other"


class UseCaseStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    INACTIVE = "inactive"


class MissingMonthsPolicy(StrEnum):
    """What a month without its own measurement realizes (SPEC 3 "Carry-forward")."""

    CARRY_FORWARD = "carry_forward"
    NO_BENEFIT = "no_benefit"


class FeeInterval(StrEnum):
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class ImprovementMetric:
    """The value measured each month; `target` is the business case's goal, if any."""

    name: str
    unit: str
    baseline: Decimal
    direction: Direction
    target: Decimal | None = None


@dataclass(frozen=True, slots=True)
class InputDefinition:
    """A named input of a calculation (reps, cost per rep) usable in its formula as `key`."""

    key: str
    name: str
    unit: str


@dataclass(frozen=True, slots=True)
class InputChange:
    """From `month` on (until the next change), input `key` has `value`."""

    key: str
    month: Month
    value: Decimal


@dataclass(frozen=True, slots=True)
class MeasurementEntry:
    """The improvement metric's value for one month."""

    month: Month
    value: Decimal
    estimate: bool = False
    source: str = "manual"


@dataclass(frozen=True, slots=True)
class RampStep:
    """From contract month `from_month` (1-based) the projection has reached `share` of the target."""

    from_month: int
    share: Decimal


@dataclass(frozen=True, slots=True)
class CalculationSpec:
    """One benefit calculation of a use case, with its metric, formula, inputs and measurements."""

    id: str
    name: str
    kind: BenefitKind
    metric: ImprovementMetric
    formula: str
    inputs: tuple[InputDefinition, ...] = ()
    input_changes: tuple[InputChange, ...] = ()
    measurements: tuple[MeasurementEntry, ...] = ()
    ramp: tuple[RampStep, ...] = ()

    def __post_init__(self) -> None:
        keys: set[str] = set()
        for definition in self.inputs:
            if definition.key in RESERVED_VARIABLES:
                raise TrackerValidationError(
                    f"Calculation {self.name!r}: an input cannot be called "
                    f"{definition.key!r}, the formula already uses that name.",
                    code="reserved_input_key",
                )
            if definition.key in keys:
                raise TrackerValidationError(
                    f"Calculation {self.name!r} defines the input {definition.key!r} twice.",
                    code="duplicate_input",
                )
            keys.add(definition.key)
        changed: set[tuple[str, Month]] = set()
        for change in self.input_changes:
            if change.key not in keys:
                raise TrackerValidationError(
                    f"Calculation {self.name!r} has no input {change.key!r} to change "
                    f"in {change.month}.",
                    code="unknown_input",
                )
            if (change.key, change.month) in changed:
                raise TrackerValidationError(
                    f"Calculation {self.name!r}: input {change.key!r} is changed twice "
                    f"in {change.month}.",
                    code="duplicate_input_change",
                )
            changed.add((change.key, change.month))
        measured: set[Month] = set()
        for entry in self.measurements:
            if entry.month in measured:
                raise TrackerValidationError(
                    f"Calculation {self.name!r} has two measurements for {entry.month}.",
                    code="duplicate_measurement",
                )
            measured.add(entry.month)
        steps: set[int] = set()
        for step in self.ramp:
            if step.from_month < 1 or step.from_month in steps:
                raise TrackerValidationError(
                    f"Calculation {self.name!r}: ramp steps need distinct contract months "
                    f"from 1 on (got month {step.from_month}).",
                    code="invalid_ramp",
                )
            if not Decimal(0) <= step.share <= Decimal(1):
                raise TrackerValidationError(
                    f"Calculation {self.name!r}: a ramp share is a fraction from 0 to 1 "
                    f"(got {step.share} in month {step.from_month}).",
                    code="invalid_ramp",
                )
            steps.add(step.from_month)


@dataclass(frozen=True, slots=True)
class UseCaseSpec:
    """A use case; only `active` ones count in totals (SPEC 3), the others are still shown."""

    id: str
    name: str
    status: UseCaseStatus
    calculations: tuple[CalculationSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class OneTimeFee:
    month: Month
    amount: Decimal
    description: str = ""


@dataclass(frozen=True, slots=True)
class Fees:
    """The contract's fees, in the tracker's currency: a recurring fee and one-time fees."""

    recurring_amount: Decimal = Decimal(0)
    recurring_interval: FeeInterval = FeeInterval.MONTH
    one_time: tuple[OneTimeFee, ...] = ()


@dataclass(frozen=True, slots=True)
class TrackerSpec:
    """One customer's Value Tracker over a contract period, in one currency (SPEC 3)."""

    id: str
    name: str
    currency: str
    period: Period
    fees: Fees = field(default_factory=Fees)
    use_cases: tuple[UseCaseSpec, ...] = ()
    missing_months: MissingMonthsPolicy = MissingMonthsPolicy.CARRY_FORWARD

    def __post_init__(self) -> None:
        places = minor_units(self.currency)
        _check_fees(self, places)
        use_case_ids: set[str] = set()
        calculation_ids: set[str] = set()
        for use_case in self.use_cases:
            if use_case.id in use_case_ids:
                raise TrackerValidationError(
                    f"Tracker {self.name!r} lists use case {use_case.id!r} twice.",
                    code="duplicate_id",
                )
            use_case_ids.add(use_case.id)
            for calculation in use_case.calculations:
                if calculation.id in calculation_ids:
                    raise TrackerValidationError(
                        f"Tracker {self.name!r} lists calculation {calculation.id!r} twice.",
                        code="duplicate_id",
                    )
                calculation_ids.add(calculation.id)
                _check_calculation_months(self.period, calculation)

    def calculations(self) -> tuple[CalculationSpec, ...]:
        return tuple(c for u in self.use_cases for c in u.calculations)


def _outside(period: Period, month: Month, what: str) -> TrackerValidationError:
    return TrackerValidationError(
        f"{what} is in {month}, outside the contract period {period}.",
        code="month_outside_period",
    )


def _check_calculation_months(period: Period, calculation: CalculationSpec) -> None:
    label = f"Calculation {calculation.name!r}"
    for entry in calculation.measurements:
        if entry.month not in period:
            raise _outside(period, entry.month, f"{label}: a measurement")
    first_change: dict[str, Month] = {}
    for change in calculation.input_changes:
        if change.month not in period:
            raise _outside(period, change.month, f"{label}: a change of {change.key!r}")
        earliest = first_change.get(change.key)
        if earliest is None or change.month < earliest:
            first_change[change.key] = change.month
    for definition in calculation.inputs:
        if first_change.get(definition.key) != period.first:
            raise TrackerValidationError(
                f"{label}: input {definition.key!r} needs a value for the contract's first "
                f"month {period.first}.",
                code="input_without_start_value",
            )
    for step in calculation.ramp:
        if step.from_month > len(period):
            raise TrackerValidationError(
                f"{label}: ramp step month {step.from_month} is after the contract's "
                f"{len(period)} months.",
                code="invalid_ramp",
            )


def _check_fees(tracker: TrackerSpec, places: int) -> None:
    fees = tracker.fees
    amounts = [("The recurring fee", fees.recurring_amount)]
    for fee in fees.one_time:
        if fee.month not in tracker.period:
            raise _outside(tracker.period, fee.month, f"One-time fee {fee.description!r}")
        amounts.append((f"One-time fee {fee.description!r}", fee.amount))
    for label, amount in amounts:
        if amount < 0:
            raise TrackerValidationError(f"{label} cannot be negative.", code="invalid_fee")
        if amount != amount.quantize(Decimal(1).scaleb(-places)):
            raise TrackerValidationError(
                f"{label} ({amount}) has more decimals than {tracker.currency} allows ({places}).",
                code="invalid_fee",
            )
    if fees.recurring_interval not in (FeeInterval.MONTH, FeeInterval.YEAR):
        raise TrackerValidationError(
            "A recurring fee is charged per 'month' or per 'year'.", code="invalid_fee"
        )
