"""Reading `Valuecalc-Actor` / `Valuecalc-Actor-Name` (no database): what a frontend sends
comes back exactly, and anything else is a 422 naming the header."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuecalc_api.actors.header import REFUSED_CATEGORIES, Actor, actor_from_headers
from valuecalc_api.problems import Problem

# What JavaScript's encodeURIComponent leaves as it is.
_URI_COMPONENT_SAFE = "-_.!~*'()"

actor_ids = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=200
).filter(lambda text: text == text.strip(" \t") and text != "")

_REFUSED = {"Cc", "Cs", "Cn", "Co", "Zl", "Zp"}
display_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn", "Co", "Zl", "Zp")),
    min_size=1,
    max_size=200,
).filter(lambda text: text == text.strip() and text != "")


@given(actor_ids, display_names)
def test_an_id_and_an_encoded_name_come_back_exactly(actor_id: str, name: str) -> None:
    encoded = quote(name, safe=_URI_COMPONENT_SAFE)
    assert actor_from_headers([actor_id], [encoded]) == Actor(actor_id, name)
    assert actor_from_headers([actor_id], []) == Actor(actor_id, None)


@given(actor_ids, display_names)
def test_an_ascii_name_may_travel_as_it_is(actor_id: str, name: str) -> None:
    plain = "".join(c for c in name if " " <= c <= "~" and c != "%").strip()
    if plain:
        assert actor_from_headers([actor_id], [plain]) == Actor(actor_id, plain)


@given(st.text(min_size=1, max_size=50))
def test_an_id_outside_printable_ascii_is_refused(text: str) -> None:
    stripped = text.strip(" \t")
    ok = 1 <= len(stripped) <= 200 and all(" " <= c <= "~" for c in stripped)
    if ok:
        assert actor_from_headers([text], []) == Actor(stripped)
    else:
        with pytest.raises(Problem) as raised:
            actor_from_headers([text], [])
        assert raised.value.status == 422
        assert raised.value.errors == [
            {
                "field": "header.valuecalc-actor",
                "code": "invalid_actor",
                "message": raised.value.detail,
            }
        ]


def test_no_headers_is_no_actor() -> None:
    assert actor_from_headers([], []) is None


@pytest.mark.parametrize(
    ("ids", "names", "field", "code"),
    [
        (["u_1", "u_2"], [], "header.valuecalc-actor", "repeated_header"),
        (["u_1"], ["a", "b"], "header.valuecalc-actor-name", "repeated_header"),
        ([], ["Dana"], "header.valuecalc-actor-name", "actor_name_without_id"),
        (["u_1"], ["Jos\u00e9"], "header.valuecalc-actor-name", "invalid_actor_name"),
        (["u_1"], ["%C3"], "header.valuecalc-actor-name", "invalid_actor_name"),
        (["u_1"], ["%E2%80%A8"], "header.valuecalc-actor-name", "invalid_actor_name"),
        (["u_1"], ["x" * 201], "header.valuecalc-actor-name", "invalid_actor_name"),
        (["x" * 201], [], "header.valuecalc-actor", "invalid_actor"),
    ],
)
def test_refusals_name_the_header(ids: list[str], names: list[str], field: str, code: str) -> None:
    with pytest.raises(Problem) as raised:
        actor_from_headers(ids, names)
    assert raised.value.status == 422
    assert [(e["field"], e["code"]) for e in raised.value.errors or []] == [(field, code)]


def test_refused_categories_are_the_parsers() -> None:
    """The strategy above excludes exactly what the parser refuses."""
    assert REFUSED_CATEGORIES == _REFUSED
    assert unicodedata.category("\u2028") in _REFUSED
