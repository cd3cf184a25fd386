"""Named example error bodies of the OpenAPI contract (documentation only).

Each is built with `Problem.body` and, wherever the code has one, the very function that
raises that problem, so its wording cannot drift from what the API answers. Routes name
the ones they can answer with through `problem_refs.problem_doc()`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from valuecalc_api.actors.header import actor_from_headers, actor_required
from valuecalc_api.bulk_writes.applying import concurrent_write
from valuecalc_api.bulk_writes.row_errors import (
    RowError,
    RowsRefused,
    locked_error,
    refused,
    version_mismatch,
)
from valuecalc_api.bulk_writes.row_parsing import check_row_count
from valuecalc_api.calculations.service import formula_errors
from valuecalc_api.charts.chart_problems import (
    currency_required,
    portfolio_empty,
    render_timeout,
)
from valuecalc_api.charts.render import RENDER_SECONDS
from valuecalc_api.csv_ingest.format import missing_columns, read_csv
from valuecalc_api.customer_health.profiles import no_profile
from valuecalc_api.customer_view.book import book_too_large
from valuecalc_api.database_errors import database_interrupted
from valuecalc_api.evidence.file_types import ACCEPTED_DESCRIPTION
from valuecalc_api.evidence.service import too_large as evidence_too_large
from valuecalc_api.if_match import check_if_match, etag_for, parse_if_match
from valuecalc_api.locks.service import month_locked
from valuecalc_api.middleware.input_rules import control_character_in, too_deep
from valuecalc_api.problems import (
    Problem,
    conflict,
    database_not_migrated,
    database_unreachable,
    forbidden,
    invalid,
    not_found,
)
from valuecalc_api.reports.formats import representation
from valuecalc_api.reports.loading import MAX_PORTFOLIO_TRACKERS
from valuecalc_api.revenue.metrics_service import core_problem as revenue_core_problem
from valuecalc_api.settings import Settings
from valuecalc_api.trackers.service import refuse_if_measured
from valuecalc_core.months import Month
from valuecalc_core.revenue import MissingFxRateError

# The examples show the default limits.
_MAX_BODY_BYTES: int = Settings.model_fields["max_body_bytes"].default
_EVIDENCE_MAX_BYTES: int = Settings.model_fields["evidence_max_bytes"].default
RATE_LIMIT: int = Settings.model_fields["rate_limit_per_minute"].default

# The ids of the other schemas' examples, so the examples of one operation agree.
_IDS = {
    "tracker_id": "6c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
    "customer_id": "0f5b8a4e-3c1d-4c5e-9a8e-1d2f3a4b5c6d",
    "use_case_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
    "calculation_id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
    "evidence_id": "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
    "note_id": "a3b4c5d6-e7f8-4091-a2b3-c4d5e6f70819",
    "key_id": "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4",
    "profile_id": "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
    "override_id": "4d5e6f70-8192-4a3b-9c4d-5e6f708192a3",
    "reason_code_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
}
PATH_VALUES = {**_IDS, "month": "2026-03", "key": "reps", "version": "2"}
# What a 404 calls the object of an id in the path (as `not_found(what)` does).
ID_OBJECTS = {
    "tracker_id": "tracker",
    "customer_id": "customer",
    "use_case_id": "use case",
    "calculation_id": "calculation",
    "evidence_id": "evidence",
    "note_id": "note",
    "key_id": "API key",
    "profile_id": "health profile",
    "override_id": "override",
    "reason_code_id": "reason code",
}
TRACKER_PATH = f"/v1/trackers/{_IDS['tracker_id']}"
_CALCULATION = f"/v1/calculations/{_IDS['calculation_id']}"


# --- examples ---------------------------------------------------------------------------


def _raised(action: Callable[[], object]) -> Problem:
    """The Problem `action` raises (to show exactly what the code answers)."""
    try:
        action()
    except Problem as problem:
        return problem
    raise AssertionError("the example's action raised no problem")


def example(summary: str, problem: Problem, instance: str) -> dict[str, Any]:
    return {"summary": summary, "value": problem.body(instance)}


def _measured(what: str, count: int, instance: str) -> dict[str, Any]:
    return example(
        f"The {what}'s measurements are in the way",
        _raised(lambda: refuse_if_measured(count, what)),
        instance,
    )


def _csv_position(error: RowError) -> dict[str, Any]:
    return {"line": error.row + 2, "column": error.field}  # rows from line 2 on


_MARCH = Month.of(2026, 3)
_FEBRUARY = Month.of(2026, 2)
_STALE_ETAG = etag_for(_IDS["tracker_id"], 3)
CURRENT_ETAG = etag_for(_IDS["tracker_id"], 4)

EXAMPLES: dict[str, dict[str, Any]] = {
    # -- any operation
    "unauthorized": example(
        "No API key, or an unknown or revoked one",
        Problem(401, "unauthorized", "This API key is unknown or has been revoked."),
        TRACKER_PATH,
    ),
    "read-only-key": example(
        "A viewer key tried to write",
        forbidden("This API key is read-only (role viewer); writes need editor or admin."),
        TRACKER_PATH,
    ),
    "admin-only": example(
        "Only an admin key may do this", forbidden("Only an admin key can do this."), "/v1/api-keys"
    ),
    "actor-required": example(
        "The API key requires an actor and the call names none",
        actor_required(),
        f"/v1/calculations/{_IDS['calculation_id']}/months/2026-03/notes",
    ),
    "invalid-actor": example(
        "A malformed actor header",
        _raised(lambda: actor_from_headers(["u_123"], ["Jos\u00e9"])),
        f"/v1/calculations/{_IDS['calculation_id']}/months/2026-03/notes",
    ),
    "invalid-if-match": example(
        "If-Match is not a list of quoted ETags",
        _raised(lambda: parse_if_match("3-5f1c2a9b0d4e")),
        TRACKER_PATH,
    ),
    "stale-etag": example(
        "The object changed since it was read",
        _raised(lambda: check_if_match(_STALE_ETAG, CURRENT_ETAG, required=False)),
        TRACKER_PATH,
    ),
    "if-match-required": example(
        "A delete without If-Match",
        _raised(lambda: check_if_match(None, CURRENT_ETAG, required=True)),
        TRACKER_PATH,
    ),
    "body-unreadable": example(
        "The body does not parse as its Content-Type says",
        Problem(400, "bad-request", "There was an error parsing the body"),
        "/v1/customers",
    ),
    "too-many-fields": example(
        "A multipart body with more fields (or files) than the operation takes",
        Problem(400, "bad-request", "Too many fields. Maximum number of fields is 2."),
        f"{_CALCULATION}/months/2026-03/evidence",
    ),
    "json-too-deep": example(
        "The JSON body nests more than 64 levels", too_deep(), "/v1/measurements/bulk"
    ),
    "control-character": example(
        "A control character in a query parameter",
        control_character_in("query.external_id", "\x00"),
        "/v1/customers",
    ),
    "database-interrupted": example(
        "The database connection was lost mid-request; retry",
        database_interrupted(),
        "/v1/measurements/bulk",
    ),
    "request-too-large": example(
        "The body is over the size limit",
        Problem(
            413,
            "request-too-large",
            f"The request body is larger than the limit of {_MAX_BODY_BYTES} bytes.",
            extra={"max_body_bytes": _MAX_BODY_BYTES},
        ),
        "/v1/measurements/bulk",
    ),
    "idempotency-in-flight": example(
        "The first request with this Idempotency-Key is still running",
        Problem(
            409,
            "idempotency-request-in-progress",
            "A request with this Idempotency-Key is still being processed; retry shortly.",
        ),
        "/v1/measurements/bulk",
    ),
    "idempotency-key-reused": example(
        "The Idempotency-Key was used for another request",
        Problem(
            422,
            "idempotency-key-reused",
            "This Idempotency-Key was already used for a different request (another method, "
            "path, body, API key or Valuecalc-Actor) in the last 24 hours; use a new key.",
        ),
        "/v1/measurements/bulk",
    ),
    "rate-limited": example(
        "Over the rate limit",
        Problem(
            429,
            "rate-limited",
            f"At most {RATE_LIMIT} requests per minute are allowed per API key (per client "
            "address without one); retry in 1 s.",
        ),
        f"{TRACKER_PATH}/report",
    ),
    "internal-error": example(
        "An unexpected failure",
        Problem(500, "internal-error", "Something went wrong on our side; it has been logged."),
        TRACKER_PATH,
    ),
    # -- writes of values
    "month-locked": example(
        "The write would change a locked month",
        month_locked(uuid.UUID(_IDS["tracker_id"]), _MARCH, [_FEBRUARY]),
        f"{_CALCULATION}/measurements/2026-02",
    ),
    "measurement-written-concurrently": example(
        "Another request wrote the same month at the same moment",
        conflict(
            "concurrent-write",
            "Another request wrote this month at the same time; read it and send yours again.",
        ),
        f"{_CALCULATION}/measurements/2026-03",
    ),
    "initial-value-required": example(
        "The contract's first month holds the initial value",
        conflict(
            "initial-value-required",
            "2026-01 holds the input's initial value (the contract's first month); change it "
            "with PUT instead of removing it.",
        ),
        f"{_CALCULATION}/inputs/reps/changes/2026-01",
    ),
    # -- bulk writes and CSV import
    "bulk-rows-invalid": example(
        "Two bad rows (nothing was written)",
        refused(
            RowsRefused(
                [
                    RowError(
                        0,
                        "month",
                        "invalid_month",
                        "'2026-13' is not a month: the month part must be 01 to 12.",
                    ),
                    RowError(
                        2,
                        "value",
                        "invalid_decimal",
                        'value must be a decimal string such as "109000.00", not a '
                        "floating-point number.",
                    ),
                ]
            )
        ),
        "/v1/measurements/bulk",
    ),
    "bulk-row-ambiguous": example(
        "A row whose month falls in two trackers of the customer",
        refused(
            RowsRefused(
                [
                    RowError(
                        1,
                        "tracker_id",
                        "ambiguous_tracker",
                        "2026-03 falls in 2 trackers of customer 'crm-0042' with calculation "
                        "'ticket-handling'; pass tracker_id to choose one.",
                        {
                            "candidate_tracker_ids": [
                                _IDS["tracker_id"],
                                "7d2f3a4b-5c6d-4e7f-9081-92a3b4c5d6e7",
                            ]
                        },
                    )
                ]
            )
        ),
        "/v1/measurements/bulk",
    ),
    "bulk-envelope-invalid": example(
        "Too many rows",
        _raised(lambda: check_row_count(12_500)),
        "/v1/measurements/bulk",
    ),
    "bulk-rows-locked": example(
        "Every bad row is in a locked month (nothing was written)",
        refused(RowsRefused([locked_error(0, _FEBRUARY, _MARCH), locked_error(1, _MARCH, _MARCH)])),
        f"{TRACKER_PATH}/measurements/bulk",
    ),
    "bulk-rows-stale": example(
        "A row's month changed since it was read (nothing was written)",
        refused(RowsRefused([version_mismatch(1, 1, 2)])),
        f"{TRACKER_PATH}/measurements/bulk",
    ),
    "concurrent-write": example(
        "Another request wrote some of the same months: retry",
        concurrent_write(),
        f"{TRACKER_PATH}/measurements/bulk",
    ),
    "csv-lines-invalid": example(
        "Two bad lines (nothing was written)",
        refused(
            RowsRefused(
                [
                    RowError(
                        1,
                        "value",
                        "invalid_decimal",
                        "value must be a decimal number such as \"109000.00\"; got '1,5'.",
                    ),
                    RowError(
                        3,
                        "calculation_key",
                        "calculation_not_found",
                        "This tracker has no calculation with key 'ticket-handlng'.",
                    ),
                ]
            ),
            position=_csv_position,
            what="line",
        ),
        f"{TRACKER_PATH}/measurements/import",
    ),
    "csv-header-incomplete": example(
        "The header lacks a column",
        invalid(
            missing_columns(["customer_external_id", "calculation_key", "month"]),
            detail="The header lacks required columns; nothing was written.",
        ),
        f"{TRACKER_PATH}/measurements/import",
    ),
    "csv-unreadable": example(
        "The file is not UTF-8",
        _raised(
            lambda: read_csv(b"calculation_key,month,value\r\nticket-handling,2026-03,\xe9\r\n")
        ),
        f"{TRACKER_PATH}/measurements/import",
    ),
    "csv-lines-locked": example(
        "Every bad line is in a locked month (nothing was written)",
        refused(
            RowsRefused([locked_error(0, _FEBRUARY, _MARCH)]), position=_csv_position, what="line"
        ),
        f"{TRACKER_PATH}/measurements/import",
    ),
    "csv-media-type": example(
        "Neither CSV nor a form",
        Problem(
            415,
            "unsupported-media-type",
            "Send the CSV as the body with Content-Type: text/csv, or as the 'file' part of "
            "multipart/form-data.",
        ),
        f"{TRACKER_PATH}/measurements/import",
    ),
    # -- trackers, use cases, calculations, customers, keys
    "has-measurements": _measured("tracker", 14, TRACKER_PATH),
    "use-case-has-measurements": _measured("use case", 6, f"/v1/use-cases/{_IDS['use_case_id']}"),
    "calculation-has-measurements": _measured("calculation", 3, _CALCULATION),
    "currency-locked": example(
        "The tracker's currency cannot change any more",
        conflict(
            "currency-locked",
            "The tracker's 3 calculation(s) give benefits in USD; its currency cannot change. "
            "Create a new tracker instead.",
        ),
        TRACKER_PATH,
    ),
    "period-excludes-data": example(
        "The new period would leave data outside the contract",
        conflict(
            "period-excludes-data",
            "The period 2026-01..2026-06 would leave a measurement in 2026-09 outside the "
            "contract (or on its first month, which holds the initial values). Delete or move "
            "that data first.",
        ),
        TRACKER_PATH,
    ),
    "calculation-key-taken": example(
        "Another calculation of the tracker has the key",
        conflict(
            "calculation-key-taken",
            "Another calculation of this tracker already has the key 'ticket-handling'.",
        ),
        f"/v1/use-cases/{_IDS['use_case_id']}/calculations",
    ),
    "formula-invalid": example(
        "The formula uses an unknown name",
        invalid(
            formula_errors("improvement * reps * cost_per_rep", ["reps", "cost_per_rep_month"])
        ),
        f"/v1/use-cases/{_IDS['use_case_id']}/calculations",
    ),
    "external-id-taken": example(
        "Another customer has this CRM id",
        conflict(
            "external-id-taken",
            "Another customer of your organization already has the external_id 'crm-0042'.",
        ),
        "/v1/customers",
    ),
    "customer-has-trackers": example(
        "The customer still has trackers",
        conflict(
            "customer-has-trackers",
            "This customer still has 2 tracker(s); delete them first.",
            tracker_count=2,
        ),
        f"/v1/customers/{_IDS['customer_id']}",
    ),
    "tracker-limited-key": example(
        "A key limited to some trackers tried an organization-wide write",
        forbidden(
            "This API key is limited to some trackers; creating a customer needs a key for the "
            "whole organization."
        ),
        "/v1/customers",
    ),
    "response-not-stored": example(
        "The first request succeeded, but its answer showed a secret and was not kept",
        Problem(
            409,
            "idempotency-response-not-stored",
            "The request with this Idempotency-Key already succeeded (status 201); its "
            "response was marked no-store (it showed a secret) and was not kept, so it cannot "
            "be replayed. Look the result up instead of retrying.",
            extra={"original_status": 201, "location": f"/v1/api-keys/{_IDS['key_id']}"},
        ),
        "/v1/api-keys",
    ),
    "not-locked": example(
        "The tracker has no lock",
        Problem(404, "not-locked", "This tracker has no month lock to remove."),
        f"{TRACKER_PATH}/lock",
    ),
    # -- evidence
    "evidence-too-large": example(
        "The file is over the evidence limit",
        evidence_too_large(_EVIDENCE_MAX_BYTES),
        f"{_CALCULATION}/months/2026-03/evidence",
    ),
    "unsupported-evidence-type": example(
        "The file's content is not an accepted type",
        Problem(
            415,
            "unsupported-evidence-type",
            f"The file's content is not {ACCEPTED_DESCRIPTION}; its name and declared type do "
            "not count.",
        ),
        f"{_CALCULATION}/months/2026-03/evidence",
    ),
    "evidence-media-type": example(
        "Neither JSON nor a form",
        Problem(
            415,
            "unsupported-media-type",
            "Send a file as multipart/form-data, a link or pasted data as application/json.",
        ),
        f"{_CALCULATION}/months/2026-03/evidence",
    ),
    "link-has-no-content": example(
        "A link has nothing to download",
        Problem(
            409,
            "link-has-no-content",
            "This evidence is a link; the server keeps only its URL and never fetches it.",
            extra={"url": "https://analytics.example.com/dashboards/support-q1"},
        ),
        f"/v1/evidence/{_IDS['evidence_id']}/content",
    ),
    "evidence-content-gone": example(
        "The stored file is missing",
        Problem(410, "evidence-content-gone", "This file's content is no longer stored."),
        f"/v1/evidence/{_IDS['evidence_id']}/content",
    ),
    # -- reads
    "not-acceptable": example(
        "Accept allows neither JSON nor CSV",
        _raised(lambda: representation(None, "application/xml")),
        f"{TRACKER_PATH}/report",
    ),
    "customer-not-found": example(
        "No such customer", not_found("customer"), "/v1/reports/portfolio"
    ),
    "database-unreachable": example(
        "The database does not answer", database_unreachable(), "/readyz"
    ),
    "database-not-migrated": example(
        "The schema is behind this code",
        database_not_migrated(frozenset({"0007"}), frozenset({"0008"})),
        "/readyz",
    ),
    "portfolio-too-large": example(
        "Too many trackers for one portfolio",
        Problem(
            422,
            "portfolio-too-large",
            f"The portfolio would cover 730 trackers; it is limited to {MAX_PORTFOLIO_TRACKERS}. "
            "Narrow it with customer_id.",
            extra={"tracker_count": 730, "limit": MAX_PORTFOLIO_TRACKERS},
        ),
        "/v1/reports/portfolio",
    ),
    # -- revenue (SPEC 4)
    "ledger-rows-invalid": example(
        "A churn that is not the whole ARR (nothing was written)",
        refused(
            RowsRefused(
                [
                    RowError(
                        1,
                        "amount",
                        "churn_amount_mismatch",
                        "Movement 'mv-1002' (churn of 90 on 2026-02-01): a churn removes the "
                        "customer's whole ARR, which is 100.",
                    )
                ]
            )
        ),
        "/v1/revenue/movements/bulk",
    ),
    "customer-has-revenue": example(
        "The customer still has revenue records",
        conflict(
            "customer-has-revenue",
            "This customer has 12 revenue record(s); remove them before you delete it.",
            revenue_record_count=12,
        ),
        f"/v1/customers/{_IDS['customer_id']}",
    ),
    "missing-fx-rate": example(
        "A customer's currency has no rate for a month of the report",
        revenue_core_problem(MissingFxRateError("EUR", Month.of(2026, 3), "USD")),
        "/v1/revenue/metrics",
    ),
}

# Charts and the renewal pack (issue 16).
EXAMPLES |= {
    "currency-required": example(
        "The portfolio holds several currencies",
        currency_required(["EUR", "USD"]),
        "/v1/reports/portfolio/charts/realized-by-customer.svg",
    ),
    "portfolio-empty": example(
        "No tracker to draw", portfolio_empty(), "/v1/reports/portfolio/charts/realized-by-customer"
    ),
    "chart-render-timeout": example(
        "Rendering took too long",
        render_timeout(RENDER_SECONDS),
        f"{TRACKER_PATH}/charts/benefit-vs-cost.png",
    ),
}
# -- customer health and the book
_CUSTOMER_HEALTH = f"/v1/customers/{_IDS['customer_id']}/health"
EXAMPLES.update(
    {
        "segment-taken": example(
            "Another profile covers the segment",
            conflict(
                "segment-taken", "The segment(s) enterprise already use the profile 'Standard'."
            ),
            "/v1/health-profiles",
        ),
        "no-health-profile": example(
            "No profile applies to the customer", no_profile(), _CUSTOMER_HEALTH
        ),
        "override-over": example(
            "The override is already over",
            conflict("override-over", "This override has already expired."),
            f"{_CUSTOMER_HEALTH}/overrides/{_IDS['override_id']}/end",
        ),
        "reason-code-taken": example(
            "The reason code exists",
            conflict("reason-code-taken", "The reason code 'exec-sponsor-left' already exists."),
            "/v1/pulse-reason-codes",
        ),
        "book-too-large": example(
            "Too many customers to evaluate", book_too_large(48_210), "/v1/book"
        ),
    }
)
