"""HTTP endpoints of the customer summary, the book (JSON and CSV) and the pulse book view.

Any key may read; a key limited to some trackers sees the customers of its trackers only.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from valuecalc_api.auth.dependencies import PrincipalDep
from valuecalc_api.cpu_work import run_cpu
from valuecalc_api.customer_health.days import Day
from valuecalc_api.customer_view.book import (
    BookQuery,
    book_page,
    book_rows,
    evaluated_book,
)
from valuecalc_api.customer_view.csv_export import book_csv
from valuecalc_api.customer_view.pulse_book import pulse_book
from valuecalc_api.customer_view.schemas import (
    BookPage,
    BookSort,
    CustomerSummary,
    PulseBook,
    SortOrder,
)
from valuecalc_api.customer_view.summary import customer_summary
from valuecalc_api.customers.repository import BookFilter
from valuecalc_api.db import SessionDep
from valuecalc_api.models.health import PulseStatus
from valuecalc_api.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from valuecalc_api.problem_refs import problem_doc
from valuecalc_api.pulse.service import today
from valuecalc_api.revenue.arr_lookup import arr_by_customer
from valuecalc_core.health.profile import Band

router = APIRouter(tags=["book"])

AsOfQuery = Annotated[Day | None, Query(description="Default: today (UTC).")]
SegmentQuery = Annotated[str | None, Query(max_length=100, description="Only this segment.")]
OwnerQuery = Annotated[str | None, Query(max_length=200, description="Only this owner.")]
BandQuery = Annotated[Band | None, Query(description="Only customers in this band.")]
PulseQuery = Annotated[PulseStatus | None, Query(description="Only this pulse status.")]
_TOO_LARGE = problem_doc(
    "`book-too-large` (or a bad field): the view evaluates more customers than allowed; "
    "narrow it by segment or owner.",
    "book-too-large",
)


@router.get("/customers/{customer_id}/summary", response_model=CustomerSummary)
async def get_customer_summary(
    customer_id: uuid.UUID, principal: PrincipalDep, session: SessionDep, as_of: AsOfQuery = None
) -> CustomerSummary:
    """ARR, value realized vs projected and ROI, health with its explanation, pulse and
    signals of one customer, each with its as-of date."""
    return await customer_summary(session, principal, customer_id, as_of or today())


@router.get("/book", response_model=BookPage, responses={422: _TOO_LARGE})
async def get_book(
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
    sort: Annotated[BookSort, Query(description="Sort key; unknown values last.")] = (
        BookSort.name
    ),
    order: SortOrder = SortOrder.asc,
    segment: SegmentQuery = None,
    owner: OwnerQuery = None,
    band: BandQuery = None,
    pulse: PulseQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> BookPage:
    """Every customer the key sees, one row each (ARR, health, pulse, signals), with the
    totals of the whole filtered book. By name it pages through any number of customers;
    by a computed figure or filtered by band or pulse, the book is limited to 20,000."""
    return await book_page(
        session,
        principal,
        BookQuery(
            as_of=as_of or today(),
            where=BookFilter(segment=segment, owner=owner),
            band=band,
            pulse=None if pulse is None else pulse.value,
            sort=sort,
            order=order,
            limit=limit,
            cursor=cursor,
        ),
    )


@router.get(
    "/book.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The book."},
        422: _TOO_LARGE,
    },
)
async def get_book_csv(
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
    segment: SegmentQuery = None,
    owner: OwnerQuery = None,
) -> Response:
    """The whole filtered book as CSV, by name (up to 20,000 customers); text cells
    starting with = + - @ are prefixed with ' so spreadsheets never run them."""
    day = as_of or today()
    customers = await evaluated_book(session, principal, BookFilter(segment, owner))
    arr = await arr_by_customer(session, principal.organization_id, day)
    rows = await book_rows(session, principal, customers, day, arr)
    return Response(
        await run_cpu(book_csv, rows),  # up to 20,000 rows of text: off the event loop
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="book-{day.isoformat()}.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/pulse-book", response_model=PulseBook, responses={422: _TOO_LARGE})
async def get_pulse_book(
    principal: PrincipalDep,
    session: SessionDep,
    as_of: AsOfQuery = None,
    segment: SegmentQuery = None,
    owner: OwnerQuery = None,
) -> PulseBook:
    """Customers and ARR per pulse status, the top 3 risk and success reason codes by count
    and by ARR, the same by segment and by owner, and the customers whose pulse and health
    score disagree (green pulse with a red score, or the reverse)."""
    return await pulse_book(session, principal, as_of or today(), BookFilter(segment, owner))
