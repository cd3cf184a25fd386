"""Where each kind of value may go: numbers versus conditions, and what each function accepts.

A comparison gives yes or no, so it may only be a condition (the first argument
of `if`, or an operand of and/or/not); everything else, including the formula
itself, must give a number (SPEC 3 "Formula").
"""

from __future__ import annotations

from typing import Final

from valuecalc_core.formula.errors import FormulaError
from valuecalc_core.formula.tokens import Token
from valuecalc_core.formula.tree import CONDITIONS, Call, Comparison, If, Node, Number

MAX_ROUND_PLACES: Final = 10

FUNCTIONS: Final = ("abs", "if", "max", "min", "round")
EXAMPLES: Final = {
    "abs": "abs(delta)",
    "if": "if(baseline == 0, 0, delta / baseline)",
    "max": "max(delta, 0)",
    "min": "min(delta, 100)",
    "round": "round(delta, 2)",
}


def require_number(node: Node, usage: str) -> Node:
    """`node`, which must give a number; `usage` says where, e.g. "with '+'"."""
    if isinstance(node, CONDITIONS):
        raise FormulaError(
            f"The {_kind(node)} at position {node.position} gives yes or no, not a number, so "
            f"it cannot be used {usage}. Comparisons belong only in the condition of "
            "if(condition, value if true, value if false).",
            node.position,
        )
    return node


def require_result(node: Node) -> Node:
    """`node` as the whole formula, which must give a number."""
    if isinstance(node, CONDITIONS):
        raise FormulaError(
            f"The formula must give a number, but the {_kind(node)} at position "
            f"{node.position} gives yes or no. Use comparisons only in the condition of "
            "if(condition, value if true, value if false), e.g. if(metric > baseline, delta, 0).",
            node.position,
        )
    return node


def require_condition(node: Node, start: int, usage: str) -> Node:
    """`node`, starting at `start`, which must be a condition (comparisons and and/or/not)."""
    if not isinstance(node, CONDITIONS):
        raise FormulaError(
            f"A condition is needed at position {start}, for {usage}: a comparison such as "
            "metric > baseline, using < <= > >= == or !=.",
            start,
        )
    return node


def checked_call(name: Token, arguments: list[tuple[Node, int]]) -> Node:
    """The node for a call of a known function, each argument given with its start position."""
    function, position = name.text, name.position
    count = len(arguments)
    if function == "if":
        if count != 3:
            raise _arity(
                name, count, "exactly 3 arguments: if(condition, value if true, value if false)"
            )
        (condition, start), (then, _), (otherwise, _) = arguments
        return If(
            require_condition(condition, start, "the first argument of if"),
            require_number(then, "as a value of if"),
            require_number(otherwise, "as a value of if"),
            position,
        )
    if function in ("min", "max") and count < 2:
        raise _arity(name, count, f"at least 2 arguments, e.g. {EXAMPLES[function]}")
    if function == "abs" and count != 1:
        raise _arity(name, count, "exactly 1 argument, e.g. abs(delta)")
    if function == "round":
        if count not in (1, 2):
            raise _arity(name, count, "1 or 2 arguments: round(value) or round(value, places)")
        if count == 2:
            _check_round_places(*arguments[1])
    usage = f"as an argument of {function}"
    return Call(function, tuple(require_number(node, usage) for node, _ in arguments), position)


def _check_round_places(places: Node, start: int) -> None:
    # Only digits: not -1, 2.0, reps or 1 + 1, so the places are known when saving.
    digits = str(places.value) if isinstance(places, Number) else ""
    if not (digits.isdigit() and int(digits) <= MAX_ROUND_PLACES):
        raise FormulaError(
            f"The number of decimal places at position {start} must be a whole number "
            f"from 0 to {MAX_ROUND_PLACES} written as digits, e.g. round(delta, 2).",
            start,
        )


def _arity(name: Token, count: int, needed: str) -> FormulaError:
    given = "no arguments" if count == 0 else f"{count} argument{'s' * (count != 1)}"
    return FormulaError(
        f"{name.text} at position {name.position} needs {needed}, but has {given}.",
        name.position,
    )


def _kind(node: Node) -> str:
    return "comparison" if isinstance(node, Comparison) else "condition"
