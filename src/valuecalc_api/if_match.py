"""Optimistic concurrency for updates: `ETag` out, `If-Match` in (SPEC 6, RFC 9110 §13.1.1).

Every updatable row has an integer `version`. Its ETag is strong and changes with every
version, so two editors never silently overwrite each other. A route that updates does,
inside the request's transaction:

    row = await repository.get_for_update(session, org_id, id)    # SELECT … FOR UPDATE
    check_if_match(if_match, etag_for(row.id, row.version), required=True)
    ...apply the change...; row.version += 1; await session.flush()
    response.headers["ETag"] = etag_for(row.id, row.version)

The row lock makes compare-and-update atomic: a concurrent update waits for our commit,
then sees the new version and answers 412 instead of overwriting.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Annotated, Any

from fastapi import Header

from valuecalc_api.problems import Problem

# One entity-tag of a list: optional weak prefix, then a quoted opaque tag (RFC 9110 §8.8.3).
_ENTITY_TAG = re.compile(r'\s*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*')


def etag_for(entity_id: uuid.UUID | str, version: int) -> str:
    """The strong ETag of version `version` of an entity: `"<version>-<12 hex digits>"`.

    The hash ties the tag to the entity, so a tag of one object never matches another's.
    """
    digest = hashlib.sha256(f"{entity_id}:{version}".encode()).hexdigest()[:12]
    return f'"{version}-{digest}"'


def parse_if_match(header: str) -> tuple[bool, list[str]]:
    """(`*` was sent, the listed entity-tags with their `W/` prefix). 400 if malformed."""
    if header.strip() == "*":
        return True, []
    tags: list[str] = []
    position = 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            raise _malformed()
        tags.append((match.group(1) or "") + match.group(2))
        position = match.end()
        if position < len(header):
            if header[position] != ",":
                raise _malformed()
            position += 1
    if not tags:
        raise _malformed()
    return False, tags


def check_if_match(request_if_match: str | None, current_etag: str, *, required: bool) -> None:
    """Let the update proceed only if `If-Match` names the current version.

    - no header: 428 `precondition-required` when `required`, else proceed;
    - `*`: proceed (the object exists, which the caller established by loading it);
    - a list: proceed if one tag equals `current_etag` by strong comparison (a weak tag
      `W/"…"` never matches, RFC 9110 §13.1.1); otherwise 412 `precondition-failed`
      naming the current ETag, so the client can reload and retry.
    """
    if request_if_match is None:
        if required:
            raise Problem(
                428,
                "precondition-required",
                "Send If-Match with the ETag you last read, so a concurrent change is not "
                "overwritten.",
            )
        return
    any_version, tags = parse_if_match(request_if_match)
    if any_version or current_etag in tags:
        return
    raise Problem(
        412,
        "precondition-failed",
        f"The object has changed since you read it; its current ETag is {current_etag}. "
        "Reload it and apply your change again.",
        extra={"current_etag": current_etag},
    )


def _malformed() -> Problem:
    return Problem(
        400,
        "invalid-if-match",
        'If-Match must be "*" or a comma-separated list of quoted ETags, e.g. '
        'If-Match: "3-5f1c2a9b0d4e".',
    )


# `*`, or a comma-separated list of (weak or strong) quoted entity tags (RFC 9110 13.1.1);
# the server also takes blanks around the tags.
IF_MATCH_PATTERN = r'^(\*|(W/)?"[!#-~]*"(, ?(W/)?"[!#-~]*")*)$'


def require_if_match_where_precondition_required(document: dict[str, Any]) -> dict[str, Any]:
    """`If-Match` as the contract shows it: a non-empty header value of the RFC's form
    (never null), and required by the operations that answer 428 without it."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter.get("name") == "If-Match":
                    parameter["schema"] = {"type": "string", "pattern": IF_MATCH_PATTERN}
            if "428" not in operation.get("responses", {}):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter.get("name") == "If-Match":
                    parameter["required"] = True
    return document


IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag of the version you read; the update is refused (412) if the "
        "object has changed since.",
    ),
]
