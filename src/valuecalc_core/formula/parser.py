"""Recursive-descent parser: formula tokens to a validated tree, or a FormulaError.

Checks everything that can be known before evaluation: syntax, names, functions
and their argument counts, where comparisons may appear, and nesting depth.
Chains of operators (`a + b + c`, `- - x`, `not not c`) are read in loops, so
Python recursion grows only with parentheses and calls, which are capped.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from decimal import Decimal
from typing import Final

from valuecalc_core.formula.errors import FormulaError
from valuecalc_core.formula.rules import (
    EXAMPLES,
    FUNCTIONS,
    checked_call,
    require_condition,
    require_number,
    require_result,
)
from valuecalc_core.formula.tokens import Token, describe
from valuecalc_core.formula.tree import (
    Arithmetic,
    Comparison,
    Logical,
    Negate,
    Node,
    Not,
    Number,
    Variable,
)

MAX_NESTING_DEPTH: Final = 32


class Parser:
    """Parses one formula's tokens against the calculation's allowed names."""

    def __init__(self, tokens: list[Token], allowed: frozenset[str]) -> None:
        self._tokens = tokens
        self._index = 0
        self._depth = 0
        self._allowed = allowed
        self.used: set[str] = set()

    def parse(self) -> Node:
        """The tree of the whole formula, which must give a number."""
        if self._tokens[0].kind == "end":
            raise FormulaError(
                "The formula is empty: write an expression such as "
                "improvement * reps * cost_per_rep_month.",
                0,
            )
        node = self._condition_or_value()
        token = self._peek()
        if token.kind != "end":
            raise self._unexpected(token, "an operator or the end of the formula")
        return require_result(node)

    # -- tokens ---------------------------------------------------------------

    def _peek(self) -> Token:
        token = self._tokens[self._index]
        if token.kind == "error":
            raise FormulaError(token.reason, token.position)
        return token

    def _advance(self) -> Token:
        token = self._peek()
        self._index += 1
        return token

    def _at(self, kind: str, text: str | None = None) -> bool:
        token = self._peek()
        return token.kind == kind and (text is None or token.text == text)

    # -- grammar, lowest precedence first --------------------------------------

    def _condition_or_value(self) -> Node:
        return self._logical("or", self._conjunction)

    def _conjunction(self) -> Node:
        return self._logical("and", self._negation)

    def _logical(self, keyword: str, operand: Callable[[], Node]) -> Node:
        start = self._peek().position
        first = operand()
        if not self._at("keyword", keyword):
            return first
        position = self._peek().position
        operands = [require_condition(first, start, f"'{keyword}'")]
        while self._at("keyword", keyword):
            self._advance()
            start = self._peek().position
            operands.append(require_condition(operand(), start, f"'{keyword}'"))
        return Logical(keyword, tuple(operands), position)

    def _negation(self) -> Node:
        negations = []
        while self._at("keyword", "not"):
            negations.append(self._advance().position)
        start = self._peek().position
        node = self._comparison()
        if not negations:
            return node
        require_condition(node, start, "'not'")
        # not not c is c: an even number of negations cancels out.
        return Not(node, negations[-1]) if len(negations) % 2 else node

    def _comparison(self) -> Node:
        left = self._sum()
        if not self._at("compare"):
            return left
        operator = self._advance()
        usage = f"with '{operator.text}'"
        require_number(left, usage)
        right = require_number(self._sum(), usage)
        if self._at("compare"):
            chained = self._peek()
            raise FormulaError(
                f"Comparisons cannot be chained (position {chained.position}): write "
                "'a < b and b < c' instead of 'a < b < c'.",
                chained.position,
            )
        return Comparison(operator.text, left, right, operator.position)

    def _sum(self) -> Node:
        return self._arithmetic("+-", self._product)

    def _product(self) -> Node:
        return self._arithmetic("*/", self._unary)

    def _arithmetic(self, operators: str, operand: Callable[[], Node]) -> Node:
        node = operand()
        while self._at("operator") and self._peek().text in operators:
            operator = self._advance()
            usage = f"with '{operator.text}'"
            require_number(node, usage)
            right = require_number(operand(), usage)
            node = Arithmetic(operator.text, node, right, operator.position)
        return node

    def _unary(self) -> Node:
        minus_positions = []
        signed = False
        while self._at("operator") and self._peek().text in "+-":
            sign = self._advance()
            signed = True
            if sign.text == "-":
                minus_positions.append(sign.position)
        node = self._primary()
        if not signed:
            return node
        require_number(node, "after a sign")
        # Unary plus changes nothing; - - x is x.
        return Negate(node, minus_positions[0]) if len(minus_positions) % 2 else node

    def _primary(self) -> Node:
        token = self._peek()
        if token.kind == "number":
            self._advance()
            return Number(Decimal(token.text), token.position)
        if token.kind == "name":
            self._advance()
            # Raw look-ahead: an unknown name is reported before a bad character after it.
            if self._tokens[self._index].kind == "(":
                return self._call(token)
            return self._variable(token)
        if token.kind == "(":
            self._open(self._advance())
            node = self._condition_or_value()
            self._close(token, "an operator or ')'")
            return node
        if token.kind == "keyword" and token.text == "not":
            raise FormulaError(
                f"'not' at position {token.position} can only start a condition, e.g. "
                "if(not metric > baseline, 0, delta).",
                token.position,
            )
        if token.kind == "end":
            raise FormulaError(
                f"The formula ends too early (position {token.position}): a value is missing.",
                token.position,
            )
        raise FormulaError(
            f"A value (a number, a name or '(') is missing before {describe(token)} "
            f"at position {token.position}.",
            token.position,
        )

    def _variable(self, token: Token) -> Variable:
        name = token.text
        if name in self._allowed:
            self.used.add(name)
            return Variable(name, token.position)
        if name in FUNCTIONS:
            raise FormulaError(
                f"'{name}' at position {token.position} is a function: give it its arguments "
                f"in parentheses, e.g. {EXAMPLES[name]}.",
                token.position,
            )
        allowed = sorted(self._allowed)
        reason = f"Unknown name '{name}' at position {token.position}."
        if close := difflib.get_close_matches(name, allowed, n=1):
            reason += f" Did you mean '{close[0]}'?"
        if allowed:
            reason += f" The formula can use: {', '.join(allowed)}."
        else:
            reason += " This calculation has no values a formula can use."
        raise FormulaError(reason, token.position)

    def _call(self, name: Token) -> Node:
        function = name.text
        if function not in FUNCTIONS:
            if function in self._allowed:
                reason = (
                    f"'{function}' at position {name.position} is a value, not a function: put "
                    f"an operator such as * between '{function}' and '('."
                )
            else:
                reason = f"Unknown function '{function}' at position {name.position}."
                if close := difflib.get_close_matches(function, FUNCTIONS, n=1):
                    reason += f" Did you mean '{close[0]}'?"
                reason += f" The formula can use the functions: {', '.join(FUNCTIONS)}."
            raise FormulaError(reason, name.position)
        opening = self._advance()
        self._open(opening)
        arguments: list[tuple[Node, int]] = []
        if self._at(")"):
            self._advance()
            self._depth -= 1
        else:
            while True:
                start = self._peek().position
                arguments.append((self._condition_or_value(), start))
                if not self._at(","):
                    break
                self._advance()
            self._close(opening, "an operator, ',' or ')'")
        return checked_call(name, arguments)

    # -- checks ----------------------------------------------------------------

    def _open(self, token: Token) -> None:
        self._depth += 1
        if self._depth > MAX_NESTING_DEPTH:
            raise FormulaError(
                f"The formula is nested too deeply at position {token.position}: parentheses "
                f"and functions can be nested at most {MAX_NESTING_DEPTH} levels deep.",
                token.position,
            )

    def _close(self, opening: Token, expected: str) -> None:
        token = self._peek()
        if token.kind == ")":
            self._advance()
            self._depth -= 1
            return
        if token.kind == "end":
            raise FormulaError(
                f"The '(' at position {opening.position} is never closed: add a ')'.",
                opening.position,
            )
        raise self._unexpected(token, expected)

    def _unexpected(self, token: Token, expected: str) -> FormulaError:
        position = token.position
        if token.kind in ("number", "name", "("):
            reason = (
                f"An operator is missing before {describe(token)} at position {position}: "
                "put + - * or / between two values."
            )
        elif token.kind == ")":
            reason = f"The ')' at position {position} has no matching '('."
        elif token.kind == ",":
            reason = (
                f"The ',' at position {position} is outside a function's parentheses: commas "
                "only separate a function's arguments, as in min(a, b)."
            )
        else:
            reason = f"Unexpected {describe(token)} at position {position}: expected {expected}."
        return FormulaError(reason, position)
