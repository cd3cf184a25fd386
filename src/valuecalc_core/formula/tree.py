"""The validated syntax tree of a formula: what the parser builds and the compiler reads.

Every node keeps the character `position` of its operator (or of its first
character for numbers, names and calls) so later checks can point at it.
Parentheses leave no node: they only shape the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal, kept as the exact Decimal written (`0.5` is Decimal('0.5'))."""

    value: Decimal
    position: int


@dataclass(frozen=True, slots=True)
class Variable:
    """One of the calculation's allowed names (an input key or a SPEC 3 built-in)."""

    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Negate:
    """Unary minus (`-x`); unary plus leaves no node."""

    operand: Node
    position: int


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`left op right` with op one of + - * /."""

    operator: str
    left: Node
    right: Node
    position: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """`left op right` with op one of < <= > >= == !=; a condition, not a number."""

    operator: str
    left: Node
    right: Node
    position: int


@dataclass(frozen=True, slots=True)
class Logical:
    """`a and b and ...` or `a or b or ...` over conditions."""

    operator: str
    operands: tuple[Node, ...]
    position: int


@dataclass(frozen=True, slots=True)
class Not:
    """`not condition`."""

    operand: Node
    position: int


@dataclass(frozen=True, slots=True)
class Call:
    """`min(...)`, `max(...)`, `abs(x)` or `round(x[, places])`; arguments already checked."""

    function: str
    arguments: tuple[Node, ...]
    position: int


@dataclass(frozen=True, slots=True)
class If:
    """`if(condition, then, otherwise)`: only the branch taken is evaluated."""

    condition: Node
    then: Node
    otherwise: Node
    position: int


Node = Number | Variable | Negate | Arithmetic | Comparison | Logical | Not | Call | If

CONDITIONS = (Comparison, Logical, Not)
"""Node types that give yes/no rather than a number."""
