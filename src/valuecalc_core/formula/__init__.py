"""The formula language of a benefit calculation (SPEC 3 "Formula").

A formula gives a calculation's monthly benefit in the tracker's currency, e.g.
``improvement * reps * cost_per_rep_month``. It is checked once, when the
calculation is saved (`compile_formula`), and then evaluated for every month
with exact Decimal arithmetic in the caller's decimal context.

Grammar (EBNF; whitespace is spaces, tabs and newlines, allowed between tokens)::

    formula     = condition_or_value                 (* must give a number *)
    condition_or_value = conjunction { "or" conjunction }
    conjunction = negation { "and" negation }
    negation    = { "not" } comparison
    comparison  = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
    sum         = product { ("+" | "-") product }
    product     = unary { ("*" | "/") unary }
    unary       = { "+" | "-" } primary
    primary     = number | name | call | "(" condition_or_value ")"
    call        = function "(" [ condition_or_value { "," condition_or_value } ] ")"
    function    = "min" | "max" | "abs" | "round" | "if"
    number      = digit { digit } [ "." digit { digit } ] | "." digit { digit }
    name        = (letter | "_") { letter | digit | "_" }   (* ASCII *)

Precedence, loosest first: ``or``, ``and``, ``not``, comparisons, ``+ -``,
``* /``, unary ``+ -``. Binary operators are left-associative (``10 - 2 - 3``
is 5, ``8 / 4 / 2`` is 1); comparisons cannot be chained.

Meaning:

- Names are the calculation's allowed names (its input keys plus the built-ins
  ``metric``, ``baseline``, ``target``, ``improvement``, ``delta``), given to
  `compile_formula`; ``and``, ``or`` and ``not`` are reserved words.
- Numbers are exact decimals (``0.1`` is exactly one tenth); no exponent notation.
  Arithmetic follows the caller's decimal context (precision, traps); a constant
  part such as ``60 * 60`` is computed once when compiling, only when its exact
  result has at most 15 digits, so it is the same in any context.
- Unary ``+`` changes nothing and ``- -x`` is ``x``.
- ``min(a, b, ...)`` and ``max(a, b, ...)`` take 2 or more values; ``abs(x)``;
  ``round(x)`` and ``round(x, places)`` round half to even, places being digits
  0 to 10 written literally.
- ``if(condition, a, b)`` gives ``a`` when the condition holds, else ``b``; only
  that branch is evaluated, so ``if(baseline == 0, 0, delta / baseline)`` never
  divides by zero, and a value that is undefined for the calculation
  (``improvement`` with a baseline of 0, ``target`` without one) fails a month
  only when the branch taken uses it, exactly like a division by zero. A condition is a comparison (``< <= > >= == !=``) or
  conditions combined with ``and``, ``or``, ``not`` and parentheses; ``and``
  and ``or`` stop as soon as the answer is known, like ``if``. Comparisons and conditions are allowed nowhere else: the formula and every
  arithmetic operand and function argument must be a number.
- Nothing else: no attribute access, subscripts, strings, ``**``, keyword
  arguments or any other name or function.

A division by a constant equal to zero (``delta / 0``, ``delta / (1 - 1)``) is
refused when the calculation is saved (`compile_formula_to_save`), with its
position: it could never give a number.

Limits (checked at compile time, with the position of the problem):
at most 2,000 characters, 500 tokens, 30 digits in a number, and 32 levels of
nested parentheses and function calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from valuecalc_core.formula.compiler import compile_tree, constant_zero_division
from valuecalc_core.formula.errors import (
    FormulaError,
    FormulaEvaluationError,
    arithmetic_error_code,
    evaluation_error,
)
from valuecalc_core.formula.parser import MAX_NESTING_DEPTH, Parser
from valuecalc_core.formula.rules import MAX_ROUND_PLACES
from valuecalc_core.formula.tokens import MAX_LITERAL_DIGITS, MAX_TOKENS, tokenize
from valuecalc_core.formula.undefined import Undefined, UndefinedValueError, undefined_code

MAX_FORMULA_LENGTH: Final = 2000

BUILTIN_VARIABLES: Final[frozenset[str]] = frozenset(
    {"metric", "baseline", "target", "improvement", "delta"}
)


@dataclass(frozen=True, slots=True)
class Formula:
    """A validated, compiled formula.

    `call` takes the values of `variables` (the allowed names the formula uses,
    sorted) positionally and returns the benefit. It may raise decimal's
    DivisionByZero, InvalidOperation or Overflow (all ArithmeticError): hot
    loops catch ArithmeticError and map it with `arithmetic_error_code`.
    """

    text: str
    variables: tuple[str, ...]
    call: Callable[..., Decimal] = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """The formula's value for `values` (extra names are ignored).

        Raises FormulaEvaluationError: `missing_value` when a name the formula
        uses has no value, else the code of the arithmetic failure; a result
        that is not a finite number (possible only in a context that does not
        trap) is refused as `invalid_operation` or `overflow` too.
        """
        arguments = []
        for name in self.variables:
            if name not in values:
                raise FormulaEvaluationError(
                    f"The formula uses '{name}', but it has no value for this month.",
                    code="missing_value",
                )
            arguments.append(values[name])
        try:
            result = self.call(*arguments)
        except ArithmeticError as error:
            raise evaluation_error(error) from error
        code = undefined_code(result)
        if code is not None:
            raise evaluation_error(UndefinedValueError(code))
        if not result.is_finite():
            code = "invalid_operation" if result.is_nan() else "overflow"
            raise FormulaEvaluationError(
                "The formula does not give a finite number for this month's values.", code=code
            )
        return result


def compile_formula(text: str, variables: Iterable[str]) -> Formula:
    """Validate `text` against the allowed names `variables` and compile it.

    `variables` is the calculation's full set of allowed names: its input keys
    plus the built-ins it offers (usually all of BUILTIN_VARIABLES). Raises
    FormulaError (code `formula_invalid`) with the position and a plain reason.
    """
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(
            f"The formula is {len(text):,} characters long; the limit is "
            f"{MAX_FORMULA_LENGTH:,} (the problem starts at position {MAX_FORMULA_LENGTH}).",
            MAX_FORMULA_LENGTH,
        )
    return _compiled(text, variables, to_save=False)


def compile_formula_to_save(text: str, variables: Iterable[str]) -> Formula:
    """`compile_formula`, also refusing what could never give a number once saved: a
    division by a constant equal to zero (``delta / 0``), with its position.

    Used when a calculation is saved; formulas already stored are compiled with
    `compile_formula`, so a month of theirs fails with `division_by_zero` as before.
    """
    return _compiled(text, variables, to_save=True)


def _compiled(text: str, variables: Iterable[str], *, to_save: bool) -> Formula:
    parser = Parser(tokenize(text), frozenset(variables))
    tree = parser.parse()
    if to_save:
        division = constant_zero_division(tree)
        if division is not None:
            raise FormulaError(
                f"The division at position {division.position} is by a constant equal to "
                "zero, so the formula could never give a number there.",
                division.position,
            )
    used = tuple(sorted(parser.used))
    return Formula(text=text, variables=used, call=compile_tree(tree, used))


__all__ = [
    "BUILTIN_VARIABLES",
    "MAX_FORMULA_LENGTH",
    "MAX_LITERAL_DIGITS",
    "MAX_NESTING_DEPTH",
    "MAX_ROUND_PLACES",
    "MAX_TOKENS",
    "Formula",
    "FormulaError",
    "FormulaEvaluationError",
    "Undefined",
    "arithmetic_error_code",
    "compile_formula",
    "compile_formula_to_save",
]
