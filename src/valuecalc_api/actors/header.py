"""Reading `Valuecalc-Actor` and `Valuecalc-Actor-Name` (SPEC 6): who a call acts for.

- `Valuecalc-Actor`: the person's stable id in the caller's own system (`u_123`, an
  e-mail address): 1 to 200 printable ASCII characters, compared exactly.
- `Valuecalc-Actor-Name` (optional, only with an id): the display name, 1 to 200
  characters. HTTP header values are ASCII, so a name with other characters is sent
  percent-encoded as UTF-8 (JavaScript's `encodeURIComponent`); `%` sequences are always
  decoded, so a literal `%` is sent as `%25`.

Anything else is a 422 naming the header; nothing is written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from valuecalc_api.problems import Problem, invalid

ACTOR_HEADER = "Valuecalc-Actor"
ACTOR_NAME_HEADER = "Valuecalc-Actor-Name"
MAX_ACTOR_CHARS = 200

# Characters a display name may not hold: controls, surrogates, unassigned, private use,
# line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Co", "Zl", "Zp"})


@dataclass(frozen=True, slots=True)
class Actor:
    """The person a call acts for: `id` (stable, the caller's) and a display `name`."""

    id: str
    name: str | None = None


def _problem(header: str, code: str, message: str) -> Problem:
    return _invalid(f"header.{header.lower()}", code, message)


def _invalid(field: str, code: str, message: str) -> Problem:
    return invalid([{"field": field, "code": code, "message": message}], detail=message)


def _is_printable_ascii(text: str) -> bool:
    return all(" " <= character <= "~" for character in text)


def actor_id(text: str, *, field: str = f"header.{ACTOR_HEADER.lower()}") -> str:
    """`text` as an actor id (outer blanks removed), or a 422 naming `field`."""
    text = text.strip(" \t")
    if not 1 <= len(text) <= MAX_ACTOR_CHARS or not _is_printable_ascii(text):
        message = (
            f"An actor is the person's stable id, as sent in {ACTOR_HEADER}: 1 to "
            f"{MAX_ACTOR_CHARS} printable ASCII characters (e.g. u_123)."
        )
        raise _invalid(field, "invalid_actor", message)
    return text


def _display_name(raw: str) -> str:
    raw = raw.strip(" \t")
    if not _is_printable_ascii(raw):
        raise _problem(
            ACTOR_NAME_HEADER,
            "invalid_actor_name",
            f"{ACTOR_NAME_HEADER} must be ASCII: percent-encode other characters as UTF-8 "
            "(encodeURIComponent), e.g. Jos%C3%A9 for José.",
        )
    try:
        name = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise _problem(
            ACTOR_NAME_HEADER,
            "invalid_actor_name",
            f"{ACTOR_NAME_HEADER} has %-sequences that are not UTF-8; encode the name with "
            "encodeURIComponent.",
        ) from None
    name = name.strip()
    if not 1 <= len(name) <= MAX_ACTOR_CHARS or any(
        unicodedata.category(character) in REFUSED_CATEGORIES for character in name
    ):
        raise _problem(
            ACTOR_NAME_HEADER,
            "invalid_actor_name",
            f"{ACTOR_NAME_HEADER} is a display name of 1 to {MAX_ACTOR_CHARS} characters "
            "without control characters.",
        )
    return name


def actor_from_headers(ids: Sequence[str], names: Sequence[str]) -> Actor | None:
    """The actor named by the values of the two headers (None if neither is sent); 422
    for a bad value, more than one of either header, or a name without an id."""
    if len(ids) > 1 or len(names) > 1:
        header = ACTOR_HEADER if len(ids) > 1 else ACTOR_NAME_HEADER
        raise _problem(header, "repeated_header", f"Send {header} once.")
    if not ids:
        if names:
            raise _problem(
                ACTOR_NAME_HEADER,
                "actor_name_without_id",
                f"{ACTOR_NAME_HEADER} needs {ACTOR_HEADER}: the person's stable id.",
            )
        return None
    return Actor(actor_id(ids[0]), _display_name(names[0]) if names else None)


def actor_required() -> Problem:
    """The answer to a call without an actor by a key that requires one."""
    message = (
        f"This API key requires an actor: send {ACTOR_HEADER} with the id of the person "
        "this call acts for."
    )
    return Problem(
        422,
        "actor-required",
        message,
        errors=[
            {
                "field": f"header.{ACTOR_HEADER.lower()}",
                "code": "actor_required",
                "message": message,
            }
        ],
    )
