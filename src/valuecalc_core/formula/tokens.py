"""Splitting a formula's text into tokens, refusing any character the language does not have.

The tokenizer never raises: a problem becomes a final `error` token carrying its
position and reason, so the parser reports problems left to right (a missing
operand before a stray `$` is reported first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MAX_TOKENS: Final = 500
MAX_LITERAL_DIGITS: Final = 30

KEYWORDS: Final = frozenset({"and", "or", "not"})
OPERATORS: Final = frozenset("+-*/")
COMPARISONS: Final = frozenset({"<", "<=", ">", ">=", "==", "!="})

_WHITESPACE: Final = frozenset(" \t\r\n")
# ASCII only: [0-9] and [A-Za-z_], never Unicode digits or letters.
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXPONENT = re.compile(r"[eE][+-]?[0-9]")

ALLOWED_CHARACTERS_HINT: Final = (
    "A formula can contain names, numbers, + - * / ( ) , and the comparisons < <= > >= == !=."
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token. `kind` is number, name, keyword, operator, compare, (, ), ",", end or error."""

    kind: str
    text: str
    position: int
    reason: str = ""


def describe(token: Token) -> str:
    """How a token is named in an error message."""
    if token.kind == "end":
        return "the end of the formula"
    return f"'{token.text}'"


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, ending with an `end` token or, at the first problem, an `error` token."""
    tokens: list[Token] = []
    length = len(text)
    index = 0
    while True:
        while index < length and text[index] in _WHITESPACE:
            index += 1
        if index >= length:
            tokens.append(Token("end", "", length))
            return tokens
        if len(tokens) == MAX_TOKENS:
            tokens.append(_error(_too_many_tokens(index), index))
            return tokens
        token = _next_token(text, index)
        tokens.append(token)
        if token.kind == "error":
            return tokens
        index = token.position + len(token.text)


def _next_token(text: str, index: int) -> Token:
    char = text[index]
    following = text[index + 1 : index + 2]
    if number := _NUMBER.match(text, index):
        return _number_token(text, number.group(), index)
    if name := _NAME.match(text, index):
        word = name.group()
        return Token("keyword" if word in KEYWORDS else "name", word, index)
    if char + following in COMPARISONS:
        return Token("compare", char + following, index)
    if char == "*" and following == "*":
        return _error(
            f"'**' at position {index} is not allowed: raising to a power is not supported.",
            index,
        )
    if char in "(),":
        return Token(char, char, index)
    if char in OPERATORS:
        return Token("operator", char, index)
    if char in COMPARISONS:  # a lone '<' or '>'
        return Token("compare", char, index)
    return _error(_unexpected_character(char, index), index)


def _number_token(text: str, literal: str, index: int) -> Token:
    end = index + len(literal)
    after = text[end : end + 1]
    digits = sum(ch.isdigit() for ch in literal)
    if digits > MAX_LITERAL_DIGITS:
        return _error(
            f"The number at position {index} has {digits} digits; "
            f"a number can have at most {MAX_LITERAL_DIGITS}.",
            index,
        )
    if after == ".":
        if "." in literal:
            return _error(
                f"A number can contain only one '.', but another follows at position {end}.", end
            )
        return _error(_stray_dot(end), end)
    if after and (after.isalpha() or after == "_"):
        if _EXPONENT.match(text, end):
            return _error(
                f"Scientific notation such as 1e5 is not supported (position {end}): "
                "write the number out in full.",
                end,
            )
        return _error(
            f"A number cannot be directly followed by a letter (position {end}): "
            "put an operator such as * between a number and a name.",
            end,
        )
    return Token("number", literal, index)


def _stray_dot(index: int) -> str:
    return (
        f"'.' at position {index} is not allowed: '.' can only appear inside a number, "
        "between digits, as in 0.5."
    )


def _too_many_tokens(index: int) -> str:
    return (
        f"The formula is too long at position {index}: it can have at most {MAX_TOKENS} "
        "numbers, names, operators and parentheses."
    )


_SPECIFIC_REASONS: Final = {
    "'": "Text in quotes is not allowed (position {i}): a formula works only with numbers and names.",
    '"': "Text in quotes is not allowed (position {i}): a formula works only with numbers and names.",
    "[": "Square brackets are not allowed (position {i}): use parentheses ( ) to group.",
    "]": "Square brackets are not allowed (position {i}): use parentheses ( ) to group.",
    "{": "Curly braces are not allowed (position {i}): use parentheses ( ) to group.",
    "}": "Curly braces are not allowed (position {i}): use parentheses ( ) to group.",
    "=": "'=' alone is not allowed (position {i}): to compare two values use '=='; "
    "function arguments are plain values, never name=value.",
    "!": "'!' is only allowed in '!=' (position {i}); to negate a condition use 'not'.",
    "%": "'%' is not allowed (position {i}): write a percentage as a fraction, e.g. 0.25 for 25 %.",
    "&": "'&' is not allowed (position {i}): to require two conditions use 'and'.",
    "|": "'|' is not allowed (position {i}): to accept either of two conditions use 'or'.",
    ";": "';' is not allowed (position {i}): to separate a function's arguments use ','.",
}


def _unexpected_character(char: str, index: int) -> str:
    if char == ".":
        return _stray_dot(index)
    if char in _SPECIFIC_REASONS:
        return _SPECIFIC_REASONS[char].format(i=index)
    shown = f"'{char}'" if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    return f"Unexpected character {shown} at position {index}. {ALLOWED_CHARACTERS_HINT}"


def _error(reason: str, position: int) -> Token:
    return Token("error", "", position, reason)
