"""A value that is undefined for a calculation (SPEC 3): `improvement` with a baseline of 0,
`target` when the calculation has none.

It is passed to the compiled formula in place of the number, and fails like a
division by zero: only when the formula actually uses it. So in
`if(baseline == 0, delta, improvement * 10)` the branch not taken never touches
it, and the month computes; any arithmetic, comparison or function on it raises
`UndefinedValueError` (an ArithmeticError, caught wherever a month's formula
failure is), naming the error code of the month.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NoReturn


class UndefinedValueError(ArithmeticError):
    """A formula used an undefined value; `code` is the month's error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Undefined:
    """Stands for an undefined variable; every operation on it raises UndefinedValueError."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return f"Undefined({self.code!r})"

    def fail(self, *_: object) -> NoReturn:
        raise UndefinedValueError(self.code)

    def quantize(self, *_: object, **__: object) -> Decimal:
        self.fail()

    __add__ = __radd__ = __sub__ = __rsub__ = fail
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = fail
    __neg__ = __pos__ = __abs__ = __bool__ = fail
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = fail
    __hash__ = None  # type: ignore[assignment]


def undefined_code(value: object) -> str | None:
    """The error code if a formula's result is an undefined value itself, else None."""
    return value.code if isinstance(value, Undefined) else None
