"""The formula language (SPEC 3 "Formula"): worked examples, errors with positions, safety."""

from __future__ import annotations

import operator
import string
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuecalc_core.formula import (
    BUILTIN_VARIABLES,
    Formula,
    FormulaError,
    FormulaEvaluationError,
    arithmetic_error_code,
    compile_formula,
    compile_formula_to_save,
)
from valuecalc_core.money import quantize_money

INPUTS = frozenset({"reps", "cost_per_rep_month", "tasks_per_month", "hourly_cost"})
ALLOWED = BUILTIN_VARIABLES | INPUTS
ZEROS = dict.fromkeys(ALLOWED, Decimal(0))


def evaluate(text: str, **values: str) -> Decimal:
    return compile_formula(text, ALLOWED).evaluate({k: Decimal(v) for k, v in values.items()})


def refusal(text: str) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        compile_formula(text, ALLOWED)
    assert caught.value.code == "formula_invalid"
    return caught.value


# -- SPEC 3 worked examples ----------------------------------------------------


def test_v1_march_benefit_is_exactly_58000() -> None:
    formula = compile_formula("improvement * reps * cost_per_rep_month", ALLOWED)
    assert formula.variables == ("cost_per_rep_month", "improvement", "reps")
    benefit = formula.evaluate(
        {"improvement": Decimal("0.58"), "reps": Decimal(10), "cost_per_rep_month": Decimal(10000)}
    )
    assert str(benefit) == "58000.00"
    # `call` takes the values positionally in the order of `variables`.
    assert formula.call(Decimal(10000), Decimal("0.58"), Decimal(10)) == benefit


def test_v3_benefit_rounds_half_even_to_16666_67() -> None:
    benefit = evaluate(
        "delta / 60 * tasks_per_month * hourly_cost",
        delta="10",
        tasks_per_month="2000",
        hourly_cost="50",
    )
    assert str(benefit).startswith("16666.666666")
    assert quantize_money(benefit, "USD") == Decimal("16666.67")


# -- arithmetic and functions ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 - 2 - 3", "5"),
        ("8 / 4 / 2", "1"),
        ("2 * 3 + 4", "10"),
        ("4 + 2 * 3", "10"),
        ("(4 + 2) * 3", "18"),
        ("-2 * 3", "-6"),
        ("- -2 * 3", "6"),
        ("+2 - -3", "5"),
        ("2 - 3 * -1", "5"),
        ("10 / 4", "2.5"),
        (".5 + 0.25", "0.75"),
        ("min(3, 1, 2)", "1"),
        ("max(3, 1, 2)", "3"),
        ("min(-1, -2)", "-2"),
        ("abs(-2.5)", "2.5"),
        ("abs(2.5)", "2.5"),
        ("round(2.5)", "2"),
        ("round(3.5)", "4"),
        ("round(-2.5)", "-2"),
        ("round(0.125, 2)", "0.12"),
        ("round(0.135, 2)", "0.14"),
        ("round(1, 3)", "1.000"),
        ("if(2 > 1, 10, 20)", "10"),
        ("if(2 <= 1, 10, 20)", "20"),
        ("if(1 == 1.00, 1, 0)", "1"),
        ("if(1 != 1, 1, 0)", "0"),
        ("if(1 >= 1 and 2 < 1, 1, 0)", "0"),
        ("if(1 >= 1 or 2 < 1, 1, 0)", "1"),
        ("if(not 2 < 1, 1, 0)", "1"),
        ("if(not (2 < 1 or 3 < 1), 1, 0)", "1"),
        ("if(0.1 + 0.2 == 0.3, 1, 0)", "1"),
        ("60 * 60", "3600"),
        ("-0", "0"),
        ("-(0 * 5) + 0", "0"),
    ],
)
def test_arithmetic_precedence_functions_and_conditions(text: str, expected: str) -> None:
    assert str(evaluate(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metric - baseline - delta", "17"),
        ("metric / baseline / delta", "2"),
        ("metric - baseline * delta", "12"),
        ("-baseline * delta", "-12"),
        ("- -baseline", "4"),
        ("metric + -baseline", "20"),
        ("if(baseline < 4, 1, 0)", "0"),
        ("if(baseline <= 4, 1, 0)", "1"),
        ("if(baseline > 4, 1, 0)", "0"),
        ("if(baseline >= 4, 1, 0)", "1"),
        ("if(baseline == 4.0, 1, 0)", "1"),
        ("if(baseline != 4, 1, 0)", "0"),
        ("if(baseline > 4 or delta > 2, 1, 0)", "1"),
        ("if(baseline > 4 and delta > 2, 1, 0)", "0"),
        ("if(not baseline > 4, 1, 0)", "1"),
        ("if(not not baseline > 4, 1, 0)", "0"),
        ("min(metric, baseline, delta)", "3"),
        ("max(metric, baseline, delta)", "24"),
        ("abs(delta - metric)", "21"),
        ("round(delta / baseline)", "1"),
        ("round(delta / baseline, 1)", "0.8"),
    ],
)
def test_operators_on_variables(text: str, expected: str) -> None:
    assert str(evaluate(text, metric="24", baseline="4", delta="3")) == expected


def test_round_is_half_even_whatever_the_context_rounding() -> None:
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        assert evaluate("round(2.5)") == Decimal(2)
        assert evaluate("round(metric, 1)", metric="0.25") == Decimal("0.2")


def test_division_uses_the_callers_decimal_context() -> None:
    with localcontext() as context:
        context.prec = 5
        assert str(evaluate("1 / 3")) == "0.33333"
        assert str(evaluate("reps / 3", reps="2")) == "0.66667"


def test_if_is_lazy_and_and_or_short_circuit() -> None:
    assert evaluate("if(baseline == 0, 0, delta / baseline)", baseline="0", delta="5") == 0
    assert evaluate("if(baseline == 0, delta / baseline, 7)", baseline="2", delta="5") == 7
    assert (
        evaluate("if(baseline != 0 and delta / baseline > 1, 1, 0)", baseline="0", delta="1") == 0
    )
    assert evaluate("if(baseline == 0 or delta / baseline > 1, 1, 0)", baseline="0", delta="1") == 1


@pytest.mark.parametrize(
    ("text", "values", "code"),
    [
        ("delta / baseline", {"delta": "5", "baseline": "0"}, "division_by_zero"),
        ("delta / baseline", {"delta": "0", "baseline": "0"}, "invalid_operation"),
        ("metric * 10", {"metric": "9E+999999"}, "overflow"),
        ("round(metric, 10)", {"metric": "1234567890123456789012345"}, "invalid_operation"),
    ],
)
def test_arithmetic_failures_at_evaluation_have_codes(
    text: str, values: dict[str, str], code: str
) -> None:
    formula = compile_formula(text, ALLOWED)
    decimals = {name: Decimal(value) for name, value in values.items()}
    with pytest.raises(ArithmeticError) as raised:
        formula.call(*(decimals[name] for name in formula.variables))
    assert arithmetic_error_code(raised.value) == code
    with pytest.raises(FormulaEvaluationError) as caught:
        formula.evaluate(decimals)
    assert caught.value.code == code


def test_evaluate_without_a_used_value_is_missing_value() -> None:
    formula = compile_formula("improvement * reps", ALLOWED)
    with pytest.raises(FormulaEvaluationError) as caught:
        formula.evaluate({"reps": Decimal(10)})
    assert caught.value.code == "missing_value"
    assert "improvement" in str(caught.value)


def test_variables_are_only_the_names_used_sorted_and_deduplicated() -> None:
    formula = compile_formula("reps * delta + reps - if(metric > 0, 1, 0)", ALLOWED)
    assert formula.variables == ("delta", "metric", "reps")
    assert compile_formula("2 * 21", ALLOWED).variables == ()
    assert compile_formula("2 * 21", ALLOWED).call() == 42


def test_generated_code_has_only_generated_names_and_no_globals() -> None:
    formula = compile_formula("max(cost_per_rep_month * reps / 60, round(delta, 2))", ALLOWED)
    code = formula.call.__code__
    assert code.co_varnames == ("v0", "v1", "v2")
    assert code.co_names == ()  # no globals or builtins: helpers and constants are cells
    assert set(code.co_freevars) <= {"_max", "_round", "c0", "c1"}
    assert formula.call.__globals__ == {
        "__builtins__": {},
        "_bind": formula.call.__globals__["_bind"],
    }


# -- compile-time errors, with the exact position -------------------------------


@pytest.mark.parametrize(
    ("text", "position", "phrase"),
    [
        ("reps * $x", 7, "Unexpected character '$'"),
        ("reps * 'x'", 7, "Text in quotes"),
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("(reps + 2", 0, "never closed"),
        ("min(reps, 2", 3, "never closed"),
        ("reps + 2)", 8, "no matching '('"),
        ("reps +", 6, "ends too early"),
        ("* reps", 0, "value (a number, a name or '(') is missing before '*'"),
        ("reps * / 2", 7, "missing before '/'"),
        ("()", 1, "missing before ')'"),
        ("reps 2", 5, "operator is missing"),
        ("reps, 2", 4, "commas only separate"),
        ("1.", 1, "'.' can only appear inside a number"),
        ("1.2.3", 3, "only one '.'"),
        ("1e5", 1, "Scientific notation"),
        ("2x", 1, "directly followed by a letter"),
        ("rep * 2", 0, "Unknown name 'rep' at position 0. Did you mean 'reps'?"),
        ("reps * cost", 7, "The formula can use: baseline, cost_per_rep_month, delta,"),
        (
            "foo(1)",
            0,
            "Unknown function 'foo' at position 0. The formula can use the functions: abs, if, max, min, round.",
        ),
        ("mn(1, 2)", 0, "Did you mean 'min'?"),
        ("reps(2)", 0, "is a value, not a function"),
        ("round", 0, "is a function"),
        ("min(1)", 0, "at least 2 arguments"),
        ("max()", 0, "no arguments"),
        ("abs(1, 2)", 0, "exactly 1 argument"),
        ("round(1, 2, 3)", 0, "1 or 2 arguments"),
        ("round(1, 11)", 9, "from 0 to 10"),
        ("round(1, 1.5)", 9, "whole number"),
        ("round(1, -1)", 9, "whole number"),
        ("round(1, reps)", 9, "whole number"),
        ("if(1 > 0, 2)", 0, "exactly 3 arguments"),
        ("if(reps, 1, 2)", 3, "A condition is needed"),
        ("if(1 > 0 and reps, 1, 2)", 13, "A condition is needed"),
        ("reps > 2", 5, "must give a number"),
        ("(reps > 2) * 3", 6, "cannot be used with '*'"),
        ("min(reps > 1, 2)", 9, "as an argument of min"),
        ("if(1 > 0, reps > 1, 2)", 15, "as a value of if"),
        ("-(reps > 1)", 7, "after a sign"),
        ("if(1 < 2 < 3, 1, 2)", 9, "cannot be chained"),
        ("reps + not 1 > 2", 7, "'not' at position 7"),
        ("reps and 1", 0, "A condition is needed at position 0, for 'and'"),
        ("reps = 1", 5, "'=' alone"),
        ("reps % 2", 5, "'%' is not allowed"),
        ("reps ! 2", 5, "'!' is only allowed in '!='"),
        ("reps ; 2", 5, "';' is not allowed"),
        ("reps {2}", 5, "Curly braces"),
        ("reps\u00a0* 2", 4, "U+00A0"),
        ("1" * 31, 0, "31 digits"),
        ("1 + " + "0." + "1" * 30, 4, "31 digits"),
        ("(" * 33 + "1" + ")" * 33, 32, "at most 32 levels"),
        ("min(" * 33 + "1" + ", 1)" * 33, 131, "at most 32 levels"),
        ("+".join(["1"] * 251), 500, "at most 500"),
        ("1 + " * 600 + "1", 2000, "the limit is 2,000"),
    ],
)
def test_compile_errors_point_at_the_problem(text: str, position: int, phrase: str) -> None:
    error = refusal(text)
    assert error.position == position
    assert phrase in error.reason
    assert str(error) == error.reason


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("delta / 0", 6),
        ("reps + delta / (60 - 60)", 13),
        ("if(baseline == 0, 0, 1 / 0.0)", 23),
        ("0 / 0", 2),
        ("min(reps / -0, 1)", 9),
    ],
)
def test_a_division_by_a_constant_zero_is_refused_when_saved(text: str, position: int) -> None:
    with pytest.raises(FormulaError) as caught:
        compile_formula_to_save(text, ALLOWED)
    assert caught.value.position == position
    assert f"division at position {position} is by a constant equal to zero" in str(caught.value)
    # A formula stored before this rule still compiles: its months fail one by one.
    assert outcome(lambda: compile_formula(text, ALLOWED).evaluate(ZEROS)) in (
        ("error", "division_by_zero"),
        ("error", "invalid_operation"),
        ("value", "0"),  # the if's other branch
    )


def test_limits_are_inclusive() -> None:
    assert compile_formula("(" * 32 + "1" + ")" * 32, ALLOWED).call() == 1
    assert compile_formula("+".join(["1"] * 250), ALLOWED).call() == 250  # 499 tokens
    assert compile_formula("1" * 30, ALLOWED).call() == Decimal("1" * 30)
    # Long chains of operators are read in loops, not by recursion.
    assert compile_formula("-" * 499 + "reps", ALLOWED).call(Decimal(2)) == -2
    assert compile_formula("reps" + " - reps" * 249, ALLOWED).call(Decimal(1)) == -248
    assert compile_formula("if(" + "not " * 490 + "reps > 0, 1, 2)", ALLOWED).call(Decimal(1)) == 1
    long_text = "1" + " " * 1998 + "1"
    assert refusal(long_text).position == 1999  # 2,000 characters: length fine, operator missing


# -- injection attempts are refused before anything runs ---------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("__import__('os')", 0),
        ("reps.__class__", 4),
        ("().__class__", 1),
        ("reps[0]", 4),
        ("lambda: 1", 0),
        ("[x for x in reps]", 0),
        ("max(reps, key=abs)", 10),
        ('"text"', 0),
        ("open('x')", 0),
        ("exec", 0),
        ("eval", 0),
        ("2 ** 999999999", 2),
        ("(" * 10_000 + "1" + ")" * 10_000, 2000),
        ("reps + " * 714 + "reps", 2000),  # 5,002 characters
        ("reps if reps > 1 else 0", 5),
        ("__builtins__", 0),
        ("reps @ 2", 5),
    ],
)
def test_injection_attempts_are_refused_at_compile_time(text: str, position: int) -> None:
    assert refusal(text).position == position


# -- properties --------------------------------------------------------------------

VARIABLE_NAMES = ("metric", "baseline", "delta", "reps", "hourly_cost")
LITERALS = st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(0, 10**6),
    st.integers(0, 4),
)
VALUES = st.sampled_from([Decimal(0), Decimal(1), Decimal("1.0"), Decimal(-1)]) | st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(-(10**7), 10**7),
    st.integers(0, 4),
)

# A generated tree is a tuple: ("num", Decimal), ("var", name), ("neg", t),
# ("bin", op, l, r), ("paren", t), ("call", function, args), ("if", c, a, b);
# conditions: ("cmp", op, l, r), ("bool", "and" | "or", c1, c2), ("not", c).
Tree = tuple[Any, ...]


def numbers(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    return st.one_of(
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("paren"), children),
        st.tuples(st.just("bin"), st.sampled_from("+-*/"), children, children),
        st.tuples(
            st.just("call"),
            st.sampled_from(["min", "max"]),
            st.lists(children, min_size=2, max_size=3),
        ),
        st.tuples(st.just("call"), st.just("abs"), st.tuples(children)),
        st.tuples(st.just("call"), st.just("round"), st.tuples(children)),
        st.tuples(st.just("round"), children, st.integers(0, 10)),
        st.tuples(st.just("if"), conditions(children), children, children),
    )


def conditions(values: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    operators = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
    comparison = st.tuples(st.just("cmp"), operators, values, values)
    negated = st.tuples(st.just("not"), comparison)
    either = comparison | negated
    return st.one_of(
        comparison,
        negated,
        st.tuples(st.just("not"), negated),
        st.tuples(st.just("bool"), st.sampled_from(["and", "or"]), either, either),
        st.tuples(st.just("not"), st.tuples(st.just("bool"), st.just("or"), comparison, either)),
    )


TREES: st.SearchStrategy[Tree] = st.recursive(
    st.tuples(st.just("num"), LITERALS)
    | st.tuples(st.just("var"), st.sampled_from(VARIABLE_NAMES)),
    numbers,
    max_leaves=10,
)


def render(tree: Tree) -> tuple[list[str], int]:
    """The tree's tokens with only the parentheses precedence needs, and its precedence."""
    kind = tree[0]

    def wrapped(child: Tree, minimum: int) -> list[str]:
        tokens, precedence = render(child)
        return ["(", *tokens, ")"] if precedence < minimum else tokens

    def arguments(children: list[Tree]) -> list[str]:
        tokens: list[str] = []
        for index, child in enumerate(children):
            tokens += ([","] if index else []) + render(child)[0]
        return tokens

    if kind == "num":
        return [format(tree[1], "f")], 9
    if kind == "var":
        return [str(tree[1])], 9
    if kind == "paren":
        return ["(", *render(tree[1])[0], ")"], 9
    if kind == "neg":
        return ["-", *wrapped(tree[1], 8)], 8
    if kind in ("bin", "cmp", "bool"):
        _, op, left, right = tree
        precedence = {"or": 1, "and": 2, "+": 5, "-": 5, "*": 6, "/": 6}.get(str(op), 4)
        return [*wrapped(left, precedence), str(op), *wrapped(right, precedence + 1)], precedence
    if kind == "not":
        return ["not", *wrapped(tree[1], 3)], 3
    if kind == "call":
        return [str(tree[1]), "(", *arguments(list(tree[2])), ")"], 9
    if kind == "round":
        return ["round", "(", *render(tree[1])[0], ",", str(tree[2]), ")"], 9
    return ["if", "(", *arguments([tree[1], tree[2], tree[3]]), ")"], 9


COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
ARITHMETIC: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}  # fmt: skip


def reference(tree: Tree, env: dict[str, Decimal]) -> Any:
    """The tree's value by direct recursion: the meaning SPEC 3 gives each construct."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "var":
        return env[str(tree[1])]
    if kind == "paren":
        return reference(tree[1], env)
    if kind == "neg":
        return -reference(tree[1], env)
    if kind == "bin":
        return ARITHMETIC[str(tree[1])](reference(tree[2], env), reference(tree[3], env))
    if kind == "cmp":
        return COMPARE[str(tree[1])](reference(tree[2], env), reference(tree[3], env))
    if kind == "bool":
        left = reference(tree[2], env)
        if tree[1] == "and":
            return left and reference(tree[3], env)
        return left or reference(tree[3], env)
    if kind == "not":
        return not reference(tree[1], env)
    if kind == "if":
        chosen = tree[2] if reference(tree[1], env) else tree[3]
        return reference(chosen, env)
    if kind == "round":
        quantum = Decimal(1).scaleb(-tree[2])
        return reference(tree[1], env).quantize(quantum, rounding=ROUND_HALF_EVEN)
    values = [reference(child, env) for child in tree[2]]
    if tree[1] == "round":
        return values[0].quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    functions: dict[str, Callable[..., Decimal]] = {"min": min, "max": max, "abs": abs}
    return functions[tree[1]](*values)


def outcome(run: Callable[[], object]) -> tuple[str, str]:
    """('value', exact text) or ('error', code), so failures are compared too."""
    try:
        return ("value", str(run()))
    except ArithmeticError as error:
        return ("error", arithmetic_error_code(error))
    except FormulaEvaluationError as error:
        return ("error", error.code)


def compact(tokens: list[str]) -> str:
    """Tokens joined without spaces except where two words would merge."""
    text = ""
    for token in tokens:
        if (
            text
            and (text[-1].isalnum() or text[-1] in "_.")
            and (token[0].isalnum() or token[0] in "_.")
        ):
            text += " "
        text += token
    return text


@given(TREES, st.fixed_dictionaries(dict.fromkeys(VARIABLE_NAMES, VALUES)))
def test_compiled_formula_agrees_with_a_direct_evaluation_of_the_tree(
    tree: Tree, env: dict[str, Decimal]
) -> None:
    text = compact(render(tree)[0])
    formula = compile_formula(text, ALLOWED)
    with localcontext() as context:
        context.prec = 28
        compiled = outcome(lambda: formula.call(*(env[name] for name in formula.variables)))
        assert compiled == outcome(lambda: reference(tree, env)), text


ALPHABET = string.ascii_letters + string.digits + " _.,()+-*/<>=!'\"[]{}$%&|:;@#^~\\`\t\n"
TOKENS = st.sampled_from(
    [*VARIABLE_NAMES, "rep", "min", "max", "abs", "round", "if", "and", "or", "not", "0", "1.5",
     ".5", "60", "(", ")", ",", "+", "-", "*", "/", "**", "<", "<=", "==", "!=", ">", ">=", "=",
     ".", "__class__", "[", "]", "'", "$", " ", "1" * 31, "lambda", "e5"]
)  # fmt: skip


@given(
    st.text()
    | st.text(alphabet=ALPHABET)
    | st.lists(TOKENS, max_size=40).map("".join)
    | st.lists(TOKENS, max_size=40).map(" ".join)
)
def test_any_text_gives_a_formula_or_a_positioned_formula_error(text: str) -> None:
    result: Formula | FormulaError
    try:
        result = compile_formula(text, ALLOWED)
    except FormulaError as error:
        result = error
    if isinstance(result, FormulaError):
        assert 0 <= result.position <= len(text)
        assert result.reason
    else:
        assert set(result.variables) <= ALLOWED


@given(TREES, st.data())
def test_whitespace_between_tokens_changes_nothing(tree: Tree, data: st.DataObject) -> None:
    tokens = render(tree)[0]
    spaces = st.text(alphabet=" \t\r\n", min_size=1, max_size=3)
    spaced = "".join(data.draw(spaces) + token for token in tokens) + data.draw(spaces)
    env = dict.fromkeys(VARIABLE_NAMES, Decimal("1.5"))
    plain, padded = compile_formula(compact(tokens), ALLOWED), compile_formula(spaced, ALLOWED)
    assert plain.variables == padded.variables
    assert outcome(lambda: plain.evaluate(env)) == outcome(lambda: padded.evaluate(env))


@given(TREES)
def test_saving_refuses_only_constant_zero_divisors_and_always_a_literal_zero(
    tree: Tree,
) -> None:
    text = compact(render(tree)[0])
    formula = compile_formula(text, ALLOWED)
    divisions = _divisors(tree)
    try:
        saved = compile_formula_to_save(text, ALLOWED)
    except FormulaError:
        # Never refuses a formula that could work: some divisor is a constant zero.
        assert any(_constant_zero(divisor) for divisor in divisions), text
    else:
        assert saved.variables == formula.variables
        assert not any(_literal_zero(divisor) for divisor in divisions), text


def _divisors(node: Tree) -> list[Tree]:
    """The right operand of every division in the tree."""
    found = [node[3]] if node[0] == "bin" and node[1] == "/" else []
    children: list[Tree] = []
    for part in node[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            children.append(part)  # a subtree
        elif isinstance(part, (list, tuple)):
            children.extend(part)  # a call's arguments
    return found + [divisor for child in children for divisor in _divisors(child)]


def _literal_zero(node: Tree) -> bool:
    """A zero written as a number, possibly negated or in parentheses."""
    if node[0] in ("neg", "paren"):
        return _literal_zero(node[1])
    return node[0] == "num" and node[1] == 0


def _constant_zero(node: Tree) -> bool:
    """Whether the subtree uses no variable and is exactly zero."""
    try:
        constant = compile_formula(compact(render(node)[0]), frozenset())
    except FormulaError:
        return False  # it uses a variable
    try:
        with localcontext() as context:
            context.prec = 200
            return bool(constant.call().is_zero())
    except ArithmeticError:
        return False
