"""What goes wrong with a formula: refused when saved, or failing for one month's values."""

from __future__ import annotations

from decimal import DivisionByZero, DivisionUndefined, Overflow, Underflow

from valuecalc_core.errors import CoreError


class FormulaError(CoreError):
    """A formula refused when the calculation is saved (SPEC 3 "Formula").

    `position` is the 0-based character offset of the problem in the text (the
    formula's length when the problem is its end); `reason` is a sentence a
    non-programmer understands and is also the error's message.
    """

    code = "formula_invalid"

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position


class FormulaEvaluationError(CoreError):
    """A formula that cannot give a number for one month's values (SPEC 3).

    `code` is `division_by_zero`, `invalid_operation` or `overflow` for
    arithmetic failures, or `missing_value` when `Formula.evaluate` is not given
    a value for a name the formula uses.
    """

    code = "invalid_operation"


_REASONS: dict[str, str] = {
    "division_by_zero": "The formula divides by zero for this month's values.",
    "invalid_operation": "The formula has no defined result for this month's values.",
    "overflow": "The formula's result is too large (or too small) to represent.",
}


def arithmetic_error_code(error: ArithmeticError) -> str:
    """Map a decimal exception raised by `Formula.call` to a FormulaEvaluationError code.

    0 / 0 (decimal's DivisionUndefined, an InvalidOperation) counts as
    `division_by_zero`: that is what a person reading the month's error needs to know.
    """
    if isinstance(error, (DivisionByZero, DivisionUndefined, ZeroDivisionError)):
        return "division_by_zero"
    if isinstance(error, (Overflow, Underflow, OverflowError)):
        return "overflow"
    return "invalid_operation"


def evaluation_error(error: ArithmeticError) -> FormulaEvaluationError:
    """The FormulaEvaluationError for a decimal exception raised while evaluating."""
    code = arithmetic_error_code(error)
    return FormulaEvaluationError(_REASONS[code], code=code)
