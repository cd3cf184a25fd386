"""Turning a validated formula tree into a fast Python function over Decimals.

The tree is translated node by node into a Python `ast` (never into source
text) and compiled, so a formula runs as fast as the same arithmetic written
by hand: no per-node interpretation, one frame per evaluation.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Underflow,
)
from typing import Final

from valuecalc_core.formula.tree import (
    Arithmetic,
    Call,
    Comparison,
    If,
    Logical,
    Negate,
    Node,
    Not,
    Number,
    Variable,
)

_ARITHMETIC: Final[dict[str, type[ast.operator]]] = {
    "+": ast.Add,
    "-": ast.Sub,
    "*": ast.Mult,
    "/": ast.Div,
}
_COMPARISONS: Final[dict[str, type[ast.cmpop]]] = {
    "<": ast.Lt,
    "<=": ast.LtE,
    ">": ast.Gt,
    ">=": ast.GtE,
    "==": ast.Eq,
    "!=": ast.NotEq,
}

# A constant subexpression (`60 * 60`, `-2`) is computed once at compile time
# only when the result is exact and short: then every decimal context a caller
# may evaluate in (precision >= 15) gives that same exact value.
_FOLDED_MAX_DIGITS: Final = 15
# Every condition traps, so 1 / 0 or 0 / 0 is never folded into Infinity or NaN.
_FOLDING_CONTEXT: Final = Context(
    prec=100, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow, Underflow]
)


def round_half_even(value: Decimal, quantum: Decimal) -> Decimal:
    """`round(value, places)`: SPEC 2 rounds half to even, whatever the context's rounding."""
    return value.quantize(quantum, rounding=ROUND_HALF_EVEN)


_HELPERS: Final[dict[str, Callable[..., Decimal]]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "round": round_half_even,
}


class _Translator:
    """Builds the Python expression of a tree; collects the constants and helpers it needs."""

    def __init__(self, variables: tuple[str, ...]) -> None:
        self.parameters = {name: f"v{index}" for index, name in enumerate(variables)}
        self.constants: dict[str, tuple[str, Decimal]] = {}
        self.helpers: set[str] = set()

    def expression(self, node: Node) -> ast.expr:
        folded = _fold(node)
        if folded is not None:
            return self._constant(folded)
        if isinstance(node, Variable):
            return _load(self.parameters[node.name])
        if isinstance(node, Negate):
            return ast.UnaryOp(op=ast.USub(), operand=self.expression(node.operand))
        if isinstance(node, Arithmetic):
            return ast.BinOp(
                left=self.expression(node.left),
                op=_ARITHMETIC[node.operator](),
                right=self.expression(node.right),
            )
        if isinstance(node, Comparison):
            return ast.Compare(
                left=self.expression(node.left),
                ops=[_COMPARISONS[node.operator]()],
                comparators=[self.expression(node.right)],
            )
        if isinstance(node, Logical):
            operator = ast.And() if node.operator == "and" else ast.Or()
            return ast.BoolOp(op=operator, values=[self.expression(o) for o in node.operands])
        if isinstance(node, Not):
            return ast.UnaryOp(op=ast.Not(), operand=self.expression(node.operand))
        if isinstance(node, If):
            return ast.IfExp(
                test=self.expression(node.condition),
                body=self.expression(node.then),
                orelse=self.expression(node.otherwise),
            )
        if isinstance(node, Call):
            return self._call(node)
        raise AssertionError(f"unreachable: {node!r}")  # Number is always folded

    def _call(self, node: Call) -> ast.expr:
        helper = f"_{node.function}"
        self.helpers.add(node.function)
        arguments = [self.expression(node.arguments[0])]
        if node.function == "round":
            places = node.arguments[1] if len(node.arguments) == 2 else Number(Decimal(0), 0)
            assert isinstance(places, Number)  # the parser accepts only a literal 0..10
            arguments.append(self._constant(Decimal(1).scaleb(-int(places.value))))
        else:
            arguments.extend(self.expression(argument) for argument in node.arguments[1:])
        return ast.Call(func=_load(helper), args=arguments, keywords=[])

    def _constant(self, value: Decimal) -> ast.expr:
        # Keyed by the exact text so 1.0 and 1 stay distinct constants.
        key = str(value)
        if key not in self.constants:
            self.constants[key] = (f"c{len(self.constants)}", value)
        return _load(self.constants[key][0])


def _fold(node: Node) -> Decimal | None:
    """The exact value of a constant subexpression, or None to compute it at run time."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Negate):
        operand = _fold(node.operand)
        if operand is None:
            return None
        # -0 is 0, as at run time: a folded zero must never show as "-0.00".
        return operand.copy_negate() if operand else operand.copy_abs()
    if not isinstance(node, Arithmetic):
        return None
    left, right = _fold(node.left), _fold(node.right)
    if left is None or right is None:
        return None
    context = _FOLDING_CONTEXT.copy()  # a fresh copy: flags are never shared between threads
    try:
        if node.operator == "+":
            value = context.add(left, right)
        elif node.operator == "-":
            value = context.subtract(left, right)
        elif node.operator == "*":
            value = context.multiply(left, right)
        else:
            value = context.divide(left, right)
    except (DecimalException, ZeroDivisionError):
        return None  # inexact or 1 / 0: leave it to run time, in the caller's context
    exact_and_short = value.is_finite() and len(value.as_tuple().digits) <= _FOLDED_MAX_DIGITS
    return value if exact_and_short else None


def constant_zero_division(node: Node) -> Arithmetic | None:
    """The first division (in text order) whose divisor is a constant equal to zero, if any.

    Such a division fails in every month it is evaluated, so the formula is refused
    when saved rather than failing month after month.
    """
    if isinstance(node, Arithmetic):
        found = constant_zero_division(node.left)
        if found is not None:
            return found
        if node.operator == "/":
            divisor = _fold(node.right)
            if divisor is not None and divisor.is_zero():
                return node
        return constant_zero_division(node.right)
    children: tuple[Node, ...] = ()
    if isinstance(node, (Negate, Not)):
        children = (node.operand,)
    elif isinstance(node, Comparison):
        children = (node.left, node.right)
    elif isinstance(node, Logical):
        children = node.operands
    elif isinstance(node, Call):
        children = node.arguments
    elif isinstance(node, If):
        children = (node.condition, node.then, node.otherwise)
    for child in children:
        found = constant_zero_division(child)
        if found is not None:
            return found
    return None


def _load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def _parameters(names: list[str]) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[ast.arg(arg=name) for name in names],
        args=[],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )


def compile_tree(tree: Node, variables: tuple[str, ...]) -> Callable[..., Decimal]:
    """A function taking the `variables`' values positionally and returning the formula's value.

    Generated shape, for `delta / 60 * tasks_per_month`:

        def _bind(c0):
            def formula(v0, v1, /):
                return v0 / c0 * v1
            return formula

    Constants and helpers are closure cells of `_bind`, so the hot path only
    reads fast locals and cells, like a hand-written function.
    """
    translator = _Translator(variables)
    body = translator.expression(tree)
    formula = ast.FunctionDef(
        name="formula",
        args=_parameters(list(translator.parameters.values())),
        body=[ast.Return(value=body)],
        decorator_list=[],
        returns=None,
    )
    helpers = sorted(translator.helpers)
    constants = list(translator.constants.values())
    bind = ast.FunctionDef(
        name="_bind",
        args=_parameters([f"_{h}" for h in helpers] + [name for name, _ in constants]),
        body=[formula, ast.Return(value=_load("formula"))],
        decorator_list=[],
        returns=None,
    )
    module = ast.fix_missing_locations(ast.Module(body=[bind], type_ignores=[]))
    # Why this is safe: no user text reaches `compile`. The module is built only
    # from the node types above (arithmetic, comparisons, and/or/not, if-else
    # expressions, calls to the fixed helpers min/max/abs/round_half_even), out of
    # a tree the parser has already validated; every name in it is generated
    # (v0.., c0.., _min..), user identifiers never appear, and constants are
    # Decimal objects passed in as arguments. It runs with no builtins.
    code = compile(module, "<formula>", "exec")
    namespace: dict[str, object] = {"__builtins__": {}}
    exec(code, namespace)  # noqa: S102 - defines _bind only; see the comment above
    bind_function = namespace["_bind"]
    assert callable(bind_function)
    function = bind_function(*(_HELPERS[h] for h in helpers), *(value for _, value in constants))
    assert callable(function)
    return function  # type: ignore[no-any-return]
