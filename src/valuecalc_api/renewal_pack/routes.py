"""HTTP endpoint of the renewal pack: `GET /v1/trackers/{tracker_id}/renewal-pack`.

A read (any key of the organization, within its trackers); cached like the reports by
the tracker's data version (notes and evidence included), with an `ETag` and 304.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.charts.openapi_docs import DOCUMENT_READ
from valuecalc_api.charts.render import renderer_version
from valuecalc_api.charts.service import DOCUMENT_HEADERS, check_query
from valuecalc_api.db import SessionDep
from valuecalc_api.problem_refs import CACHED_READ, problem_doc
from valuecalc_api.renewal_pack.customer import customer_part, digest, pack_day
from valuecalc_api.renewal_pack.service import renewal_pack
from valuecalc_api.reports import cached_reads
from valuecalc_api.reports.cache import ReportKey
from valuecalc_api.reports.cached_reads import Built
from valuecalc_api.reports.routes import AsOfQuery
from valuecalc_api.reports.tracker_read import report_month

router = APIRouter(tags=["reports"])

HTML_EXAMPLE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Renewal pack: '
    "Northwind Support Ltd, Support automation 2026, March 2026</title><style>…</style>"
    '</head><body><main><section class="summary"><h1 class="headline">Your team\'s Avg. '
    "tickets handled per day reached 158 tickets/day by March 2026: a 58 % improvement "
    "and $109,000 in realized benefit.</h1>…<svg …>…</svg></section>…</main></body></html>"
)
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The pack: one HTML document with inline CSS and SVG charts, no "
        "script and no external resource.",
        "content": {"text/html": {"schema": {"type": "string"}, "example": HTML_EXAMPLE}},
        **DOCUMENT_READ,
    },
    304: {"description": "Not modified: `If-None-Match` names the current `ETag`.", **CACHED_READ},
    503: problem_doc(
        "`chart-render-timeout`: rendering the pack's charts took longer than its budget.",
        "chart-render-timeout",
        headers=("Retry-After",),
    ),
}


@router.get(
    "/trackers/{tracker_id}/renewal-pack",
    response_class=Response,
    responses=_RESPONSES,
)
async def get_renewal_pack(
    tracker_id: uuid.UUID,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
) -> Response:
    """The renewal pack a CSM hands the customer (seed: "Presenting measurements to
    customers"): the headline in the seed's words, total realized benefit against the
    projection, net ROI and value multiple (labelled), payback, each use case's trend
    chart with its wins (months above the projection) and challenges (flat or declining
    trends, data-quality findings), and the notes and evidence behind the figures; and,
    when the customer has ARR or a health profile applies, a page with its ARR, latest
    movements and next renewal, and its health score with each indicator's part and the
    trend. Printable: the summary is page 1, the customer's page, each use case a page,
    then the evidence."""
    check_query(request, {"as_of"})
    state = await cached_reads.tracker_state(session, principal, tracker_id)
    asked = report_month(as_of, state.period)

    # The customer's revenue and health have no data version: their digest keys the pack.
    customer = await customer_part(session, principal, tracker_id, pack_day(asked))
    figures = digest(customer)

    async def build() -> Built:
        html, month, used = await renewal_pack(session, principal, tracker_id, as_of)
        response = Response(
            html,
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Disposition": f'inline; filename="renewal-pack-{tracker_id}-{month}.html"',
                **DOCUMENT_HEADERS,
            },
        )
        return response, (str(month), renderer_version(), used)

    key = ReportKey(
        "renewal_pack",
        principal.organization_id,
        tracker_id,
        (str(asked), renderer_version(), figures),
    )
    return await cached_reads.respond(request, session, key, state.version, build)
