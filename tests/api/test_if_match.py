"""ETag / If-Match helpers (SPEC 6, RFC 9110 §13.1.1): what a route's caller sees."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from fastapi import FastAPI, Response

from valuecalc_api.if_match import IfMatchHeader, check_if_match, etag_for, parse_if_match
from valuecalc_api.problems import Problem, install_problem_handlers

ENTITY = uuid.UUID("0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d")
OTHER = uuid.UUID("11111111-2222-3333-4444-555555555555")


def test_etag_is_strong_and_names_the_version() -> None:
    assert re.fullmatch(r'"7-[0-9a-f]{12}"', etag_for(ENTITY, 7))


def test_etag_is_stable_and_differs_by_version_and_entity() -> None:
    assert etag_for(ENTITY, 3) == etag_for(str(ENTITY), 3)
    assert etag_for(ENTITY, 3) != etag_for(ENTITY, 4)
    assert etag_for(ENTITY, 3) != etag_for(OTHER, 3)


def _problem(if_match: str | None, current: str, *, required: bool) -> Problem:
    with pytest.raises(Problem) as raised:
        check_if_match(if_match, current, required=required)
    return raised.value


@pytest.mark.parametrize(
    "header",
    [
        '"{current}"',
        ' "{current}" ',
        '"1-000000000000", "{current}"',
        '"{current}","9-ffffffffffff"',
        "*",
    ],
)
def test_matching_if_match_lets_the_update_proceed(header: str) -> None:
    current = etag_for(ENTITY, 2)
    check_if_match(header.replace('"{current}"', current), current, required=True)


def test_stale_if_match_is_412_naming_the_current_etag() -> None:
    current = etag_for(ENTITY, 3)
    problem = _problem(etag_for(ENTITY, 2), current, required=True)
    assert problem.status == 412
    assert problem.slug == "precondition-failed"
    assert problem.body()["current_etag"] == current
    assert current in problem.detail


def test_weak_tag_never_matches_an_update() -> None:
    current = etag_for(ENTITY, 3)
    assert _problem("W/" + current, current, required=False).status == 412


def test_another_objects_etag_does_not_match() -> None:
    assert _problem(etag_for(OTHER, 3), etag_for(ENTITY, 3), required=True).status == 412


@pytest.mark.parametrize("header", [None])
def test_missing_if_match_is_428_when_required(header: str | None) -> None:
    problem = _problem(header, etag_for(ENTITY, 1), required=True)
    assert problem.status == 428
    assert problem.slug == "precondition-required"


@pytest.mark.parametrize("header", [None])
def test_missing_if_match_is_fine_when_optional(header: str | None) -> None:
    check_if_match(header, etag_for(ENTITY, 1), required=False)


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("header", ["", "   "])
def test_an_empty_if_match_is_400_not_a_missing_one(header: str, required: bool) -> None:
    """An empty header is a client that meant to send an ETag and sent none: refusing it
    keeps a lost update from slipping through as "no precondition"."""
    problem = _problem(header, etag_for(ENTITY, 1), required=required)
    assert problem.status == 400
    assert problem.slug == "invalid-if-match"


@pytest.mark.parametrize("header", ["3-abc", '"3-abc', '"a" "b"', '"a",,', ",", '*, "a"'])
def test_malformed_if_match_is_400(header: str) -> None:
    problem = _problem(header, etag_for(ENTITY, 3), required=True)
    assert problem.status == 400
    assert problem.slug == "invalid-if-match"


def test_parse_if_match_keeps_the_weak_prefix() -> None:
    assert parse_if_match('W/"a", "b"') == (False, ['W/"a"', '"b"'])
    assert parse_if_match("*") == (True, [])


async def test_if_match_header_reaches_a_route_and_answers_problem_json() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    current = etag_for(ENTITY, 5)

    @app.patch("/things")
    async def update_thing(response: Response, if_match: IfMatchHeader = None) -> dict[str, str]:
        check_if_match(if_match, current, required=True)
        response.headers["ETag"] = etag_for(ENTITY, 6)
        return {"ok": "yes"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        fresh = await http.patch("/things", headers={"If-Match": current})
        stale = await http.patch("/things", headers={"If-Match": etag_for(ENTITY, 4)})
        missing = await http.patch("/things")

    assert fresh.status_code == 200
    assert fresh.headers["etag"] == etag_for(ENTITY, 6)
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["current_etag"] == current
    assert missing.status_code == 428
    assert missing.json()["type"].endswith("/precondition-required")
