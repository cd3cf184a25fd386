"""What goes wrong with a formula: refused when saved, or failing for one month's values."""

from __future__ import annotations

from decimal import InvalidOperation, Overflow, Underflow

from valuecalc_core.errors import CoreError
from valuecalc_core.formula.undefined import UndefinedValueError


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
    "invalid_operation": "The formula has no defined result for this month's values (e.g. 0 divided by 0).",
    "overflow": "The formula's result is too large (or too small) to represent.",
}


def arithmetic_error_code(error: ArithmeticError) -> str:
    """Map a decimal exception raised by `Formula.call` to a FormulaEvaluationError code.

    0 / 0 is decimal's InvalidOperation (it has no defined result), so it maps to
    `invalid_operation`; any other division by zero is `division_by_zero`.
    """
    if isinstance(error, UndefinedValueError):
        return error.code
    if isinstance(error, InvalidOperation):
        return "invalid_operation"
    if isinstance(error, ZeroDivisionError):  # decimal.DivisionByZero is one
        return "division_by_zero"
    if isinstance(error, (Overflow, Underflow, OverflowError)):
        return "overflow"
    return "invalid_operation"


def evaluation_error(error: ArithmeticError) -> FormulaEvaluationError:
    """The FormulaEvaluationError for a decimal exception raised while evaluating."""
    code = arithmetic_error_code(error)
    reason = _REASONS.get(code, f"The formula uses a value that is undefined ({code}).")
    return FormulaEvaluationError(reason, code=code)
