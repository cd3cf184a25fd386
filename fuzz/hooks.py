"""Schemathesis hooks of `make fuzz` (loaded through SCHEMATHESIS_HOOKS=fuzz.hooks).

Each hook is a deliberate exclusion, with its reason next to it. Nothing else is left out:
every check runs on every operation.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import schemathesis
from schemathesis import Case, HookContext

# Refusals of schema-valid requests that no schema can express: they depend on stored
# data or on what the server issued. Only a 422 whose every error has one of these codes
# is forgiven (a positive_data_acceptance failure, ST202); any other refusal still fails.
SEMANTIC_CODES = {
    # A cursor is opaque: any string the schema allows may still be one we never issued.
    "invalid_cursor": "opaque pagination cursor",
    # A month must lie in the stored tracker's contract period.
    "month_outside_period": "a month outside the stored tracker's period",
    "month_before_period": "as_of before the stored tracker's period",
    "before_contract_start": "a lock before the stored tracker's period",
    # Two fields together: a period runs forward and is at most 240 months.
    "period_order": "end_month before start_month",
    "period_too_long": "a period over 240 months",
    # An id or key in the body must name a stored object of the organization.
    "not_found": "a customer_id naming no stored customer",
    "unknown_tracker": "a tracker id naming no stored tracker",
    "calculation_not_found": "a calculation key naming no stored calculation",
    "input_not_found": "an input key naming no input of the stored calculation",
    # A bulk row addresses its calculation by id or by keys (one of two field groups).
    "missing": "a bulk row with neither address",
    # A formula is checked against the calculation's inputs and the grammar when saved.
    "formula_invalid": "a formula naming no input, or not parsing",
    "customer_not_found": "an external_id naming no stored customer",
    # A row's tracker_id must be the tracker of the address (path and body together).
    "address_conflict": "a bulk row with both addresses",
    "customer_mismatch": "a row's customer other than the tracker's",
    "tracker_mismatch": "a row's tracker_id other than the path's tracker",
    # A CSV file's lines and columns are not something a JSON schema can describe.
    "missing_header": "a CSV body whose first line does not name the columns",
    "missing_column": "a CSV body without a required column",
    "not_utf8": "a CSV file that is not UTF-8 text",
    "empty_file": "an empty evidence file (a binary part's content)",
    # Items unique by one of their fields (a JSON schema has uniqueItems for whole items).
    "duplicate_ramp_month": "two ramp steps for one contract month",
    "duplicate_input": "two inputs with one key",
    "duplicate_measurement": "two bulk rows for one calculation-month",
    "duplicate_row": "two bulk rows for one calculation-month",
    "duplicate_input_change": "two bulk rows for one input-month",
    # A bulk row into a locked month (stored state, reported per row).
    "month_locked": "a row in a month the stored lock covers",
    # Two headers together: a display name names the person whose id comes beside it.
    "actor_name_without_id": "Valuecalc-Actor-Name sent without Valuecalc-Actor",
    # Money has no more decimals than its currency's minor unit (another field).
    "too_many_decimals": "an amount finer than its currency's minor unit",
    # A chart's width (or height) times its scale stays within the pixel budget.
    "too_many_pixels": "a chart side times scale over its pixel budget (two parameters)",
    # Customer health: rules over several fields or over stored data and the clock.
    "thresholds_equal": "an indicator's full_at equal to its zero_at",
    "weight_not_positive": "an indicator weight of 0 or less",
    "duplicate_indicator": "two indicators of one kind",
    "cutoffs_out_of_order": "green_from below yellow_from",
    "cutoff_out_of_range": "a band cut-off outside 0..100",
    "too_many_points": "a history range of more points than allowed (from, to, every)",
    "range_reversed": "a history range whose from is after its to",
    "horizon_not_over": "a backtest horizon ending after today",
    "expires_before_start": "an override expiring before it starts",
    "score_out_of_range": "an override score outside 0..100",
    "unknown_reason_code": "a pulse reason code not in the organization's list",
    "date_in_future": "a pulse recorded for a day after today",
}
# Statuses that refuse a schema-valid request because of stored state, documented as such.
STATE_STATUSES = {
    412: "precondition-failed: If-Match names another version than the stored one",
    423: "month-locked: the tracker is locked through that month (stored state)",
}
# Refusals named by their problem type, for schema-valid requests whose fault no schema
# can show.
SEMANTIC_PROBLEMS = {
    # An evidence file is accepted by its bytes (magic numbers), which a multipart schema
    # of `format: binary` cannot describe.
    "unsupported-evidence-type": "file content of no accepted type",
    # Schemathesis' coverage phase draws header values from letters and digits only
    # (`ensure_valid_headers_schema`), so it cannot build a quoted ETag and sends e.g.
    # `If-Match: 0` as a "valid" value; the documented pattern refuses it, and so do we.
    "invalid-if-match": "an If-Match value that does not match its documented pattern",
    # The portfolio chart draws one currency of the stored trackers, and needs one.
    "currency-required": "a portfolio chart over stored trackers in several currencies",
    "portfolio-empty": "a portfolio chart with no stored tracker to draw",
    # Customer health: conflicts with stored profiles, overrides and reason codes.
    "segment-taken": "a segment another stored profile covers",
    "default-profile-taken": "a default profile while another is stored as the default",
    "profile-name-taken": "a profile name another stored profile has",
    "no-health-profile": "no stored profile applies to the customer",
    "reason-code-taken": "a reason code already stored",
    "override-over": "ending a stored override that has already ended or expired",
    "book-too-large": "a book view over more stored customers than it evaluates",
    "horizon-not-over": "a backtest horizon ending after today",
}
# Revoking an API key (DELETE /v1/api-keys/{id}) keeps its row for the record, with
# `revoked_at`: GET still shows it, so "deleted resource still available" (ST301) is
# the documented behaviour there.
KEPT_AFTER_DELETE = ("/v1/api-keys/",)
# Decimal fields take a JSON integer of at most 15 digits as well as a decimal string (the
# `DecimalStr` description says so); a JSON schema of type string cannot express it.
DECIMAL_FIELDS = (
    "value",
    "share",
    "baseline",
    "target",
    "initial_value",
    "amount",
    "recurring_fee_amount",
    "score",  # a health override's score
)


@schemathesis.hook
def before_call(context: HookContext, case: Case, kwargs: dict[str, Any]) -> None:
    """A fresh Idempotency-Key per request: the generator repeats the documented example
    key, and a key reused with another body is rightly refused (422
    idempotency-key-reused), which is not what the fuzzer means to test."""
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key":
            headers[name] = str(uuid.uuid4())


# ST203 "missing required header accepted" expects 400/422; a missing `If-Match` on an
# operation that requires it answers 428 Precondition Required, RFC 6585's status for it.
PRECONDITION_REQUIRED = 428


def _dropped_because(failure: Any, response: Any) -> str | None:
    """The exclusion a failure falls under, or None to keep it."""
    code = getattr(failure, "code", None)
    message = str(getattr(failure, "message", ""))
    if code == "ST203" and response.status_code == PRECONDITION_REQUIRED:
        return "ST203 428 If-Match"
    if code == "ST301" and any(path in message for path in KEPT_AFTER_DELETE):
        return "ST301 revoked API key"
    if code == "ST201" and any(f"{name}: Incorrect type" in message for name in DECIMAL_FIELDS):
        return "ST201 integer for a decimal"
    if code != "ST202":
        return None
    if response.status_code in STATE_STATUSES:
        return f"ST202 {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    slug = str(body.get("type", "")).rsplit("/", 1)[-1]
    if slug in SEMANTIC_PROBLEMS:
        return f"ST202 {slug}"
    if response.status_code != 422:
        return None
    codes = {error.get("code") for error in body.get("errors") or [] if isinstance(error, dict)}
    if codes and codes <= set(SEMANTIC_CODES):
        return "ST202 422 " + ",".join(sorted(str(code) for code in codes))
    return None


@schemathesis.hook
def filter_failure(context: HookContext, failure: Any, case: Case, response: Any) -> bool:
    """Keep every failure but those an exclusion above names; `make fuzz` prints how many
    each exclusion dropped (VALUECALC_FUZZ_DROPPED names the tally file)."""
    reason = _dropped_because(failure, response)
    if reason is None:
        return True
    tally = os.environ.get("VALUECALC_FUZZ_DROPPED")
    if tally:
        with open(tally, "a", encoding="utf-8") as file:
            file.write(reason + "\n")
    return False


# revenue: refusals of the revenue ledger's writes that no schema expresses.
SEMANTIC_CODES.update(
    {
        # A ledger row needs its values unless `deleted: true` (two fields together).
        "required_unless_deleted": "a ledger row without its values and not deleted",
        # A row's customer_external_id must name a stored customer of the organization.
        "unknown_customer": "a customer_external_id naming no stored customer",
    }
)
# revenue: two fields together, and stored state.
SEMANTIC_CODES.update(
    {
        # A report's span runs forward (`start` and `end` together).
        "end_before_start": "a report's end month before its start month",
        # A bulk row's if_version must be the stored record's version.
        "version_mismatch": "a bulk row's if_version other than the stored version",
    }
)
# signals: the customer-signal routes' refusals that no schema can express.
SEMANTIC_CODES.update(
    {
        # A signal row names its customer by customer_id or by customer_external_id: exactly one
        # of two fields (like the bulk row's two addresses above).
        "customer_reference": "a signal row naming its customer by both fields or by neither",
        # A window is `from` and `to` together, or `window_days` (with `as_of_day`): a rule
        # across query parameters, and `to` on or after `from`.
        "window_invalid": "from without to, to before from, or from/to with window_days",
        # `as_of_day` less `window_days` would start before 1900-01-01 (two parameters).
        "window_out_of_range": "a rolling window ending early in 1900 that would start before it",
        # The organization's today (its time zone) is not in the contract.
        "date_in_future": "a signal day after the organization's today",
        "month_in_future": "a usage month after the organization's current month",
        # The zone names PostgreSQL's time zone database knows (pg_timezone_names) are the
        # server's data, which changes with its tzdata release.
        "unknown_time_zone": "a time_zone naming no zone of the server's tz database",
        # A survey row's kind decides what it takes (two fields): renew_today an `answer`,
        # nps (0-10), csat (1-5) and ces (1-7) a `score` on their own scale.
        "score_not_allowed": "a renew_today row with a score",
        "unknown_answer": "a renew_today row without an answer",
        "answer_not_allowed": "an nps, csat or ces row with an answer",
        "score_out_of_scale": "a score outside its kind's scale, or missing",
        # Two query parameters: customer_mean is defined for NPS only.
        "definition_unknown": "definition=customer_mean with kind csat or ces",
    }
)

# After the merges: rules across fields or on stored data that the domains' own runs
# did not meet, each with its reason.
SEMANTIC_CODES.update(
    {
        # A converted report needs the stored FX rates of the currencies in the ledger.
        "missing_fx_rate": "a revenue report over stored currencies without stored rates",
        # The core's ledger check: a movement against the customer's stored ARR.
        "new_with_existing_arr": "a `new` movement for a customer that already has ARR",
        "renewal_outcome_inconsistent": "a renewal's outcome against its closed date",
        "invalid_closed_revenue": "a lead's closed revenue against its status",
        # Goals and onboarding: two fields together.
        "needs_kickoff": "a go-live or first-value day without a kickoff day",
        "not_achieved": "an achieved day on a goal whose status is not achieved",
        # A goal's use case must be a stored use case of the organization.
        "use_case_not_found": "a use_case_id naming no stored use case",
        # The display name is percent-decoded first: a rule on the decoded text.
        "invalid_actor_name": "a Valuecalc-Actor-Name that decodes to a control character",
    }
)
SEMANTIC_CODES.update(
    {
        # Onboarding milestones: go-live and first value on or after kickoff (fields together).
        "before_kickoff": "a go-live or first-value day before the kickoff day",
        # The core's ledger check against the stored ledger.
        "unknown_renewal": "a renewal_external_id naming no stored renewal",
        "churn_amount_mismatch": "a churn other than the customer's whole stored ARR",
        "currency_mismatch": "an amount in another currency than the stored customer's",
        # A CSV cell (an import's amount) is not something a JSON schema describes.
        "non_positive_amount": "a CSV import's amount of zero or less",
        # A date-time's year range (a touch's occurred_at, 1900-2999) has no JSON Schema
        # keyword that the generator honours with `format: date-time` (a pattern beside it
        # filters out nearly every example); days state their range as a pattern.
        "date_out_of_range": "a date-time outside the years 1900 to 2999",
    }
)
