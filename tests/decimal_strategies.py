"""Strings near and far from the contract's decimal form (SPEC 2), and the form itself.

Shared by the parser's property test and the API's: both compare a verdict with
`matches_decimal_contract`, the published pattern applied literally.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from valuecalc_core.money import DECIMAL_PATTERN

_CONTRACT = re.compile(DECIMAL_PATTERN, re.ASCII)


def matches_decimal_contract(text: str) -> bool:
    """Whether `text` is a decimal the contract accepts (the pattern, ASCII digits, no newline)."""
    return _CONTRACT.fullmatch(text) is not None and "\n" not in text


# Characters an integration or a spreadsheet might put in a number by mistake.
_NEAR = "0123456789-+.eE _,\n\t\u00a0\u0661\u0662\u06f3\uff11\u2212"

decimal_candidates = (
    st.from_regex(r"-?[0-9]{1,17}(\.[0-9]{1,14})?", fullmatch=True)
    | st.text(alphabet=_NEAR, max_size=24)
    | st.builds(
        lambda sign, whole, point, fraction, tail: sign + whole + point + fraction + tail,
        st.sampled_from(["", "-", "+", " "]),
        st.text(alphabet="0123456789", min_size=0, max_size=16),
        st.sampled_from(["", ".", ","]),
        st.text(alphabet="0123456789", max_size=13),
        st.sampled_from(["", "", "e3", "E+2", " ", "\n", "_0"]),
    )
    | st.text(max_size=12)
)
