"""Customer signals of the demo organization (SPEC 5), so every signal endpoint shows
something on a first `make run`: survey answers (NPS, CSAT, CES, renew today), touches,
goals, onboarding milestones and six months of usage with seats, for the demo customer
and two more, dated relative to today (in the organization's time zone).

The values are fixed patterns, not random, so the demo reads the same on every start.
Everything goes through the signal services (the same checks as the API).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.customers import service as customers
from valuecalc_api.customers.schemas import CustomerCreate
from valuecalc_api.engagement.schemas import TouchRow
from valuecalc_api.engagement.service import write_touches
from valuecalc_api.goals.schemas import GoalRow
from valuecalc_api.goals.service import write_goals
from valuecalc_api.onboarding.schemas import MilestoneRow
from valuecalc_api.onboarding.service import write_milestones
from valuecalc_api.signals import repository as signals
from valuecalc_api.surveys.schemas import SurveyResponseRow
from valuecalc_api.surveys.service import write_responses
from valuecalc_api.usage.schemas import SeatRow, UsageDayRow, UsageMonthRow
from valuecalc_api.usage.service import write_days, write_months, write_seats

VALUE_FEATURES = ["alerts", "dashboards", "exports"]
# (name, CRM id, segment, daily actives, seats or None for unlimited, NPS answers, renew)
_CUSTOMERS: list[tuple[str, str, str, int, int | None, list[int], str]] = [
    ("Acme Support Co", "acme", "mid-market", 38, 60, [10, 9, 9, 8, 7, 6], "yes"),
    ("Globex Retail", "globex", "enterprise", 120, None, [9, 7, 6, 4, 3], "unsure"),
    ("Initech Payments", "initech", "smb", 4, 25, [8, 5], "no"),
]
_COMMENTS = {
    "yes": "The ticket dashboards paid for themselves.",
    "unsure": "Depends on the SSO rollout landing this quarter.",
    "no": "We barely log in; the team went back to spreadsheets.",
}


def _months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` months before today's month, oldest first."""
    firsts = []
    month = date(today.year, today.month, 1)
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        firsts.append(month)
    return sorted(firsts)


async def seed_signals(session: AsyncSession, admin: Principal) -> None:
    """Add the demo signals to the demo organization (only flushes)."""
    await signals.set_signal_settings(session, admin.organization_id, "UTC", VALUE_FEATURES)
    _, _, today = await signals.signal_settings(session, admin.organization_id)
    ids: dict[str, uuid.UUID] = {}
    for name, crm, segment, *_ in _CUSTOMERS:
        if crm == "acme":
            continue
        created = await customers.create_customer(
            session, admin, CustomerCreate(name=name, external_id=crm, segment=segment)
        )
        ids[crm] = created.id
    await session.flush()
    months = _months_back(today, 6)
    await write_responses(session, admin, _survey_rows(today), [])
    await write_touches(session, admin, _touch_rows(today), [])
    await write_goals(session, admin, _goal_rows(today), [])
    await write_milestones(session, admin, _milestone_rows(months[0]), [])
    await write_seats(session, admin, _seat_rows(months[0]), [])
    await write_months(session, admin, _month_rows(months), [])
    await write_days(session, admin, _day_rows(months), [])
    await session.flush()


def _survey_rows(today: date) -> list[SurveyResponseRow]:
    rows: list[dict[str, Any]] = []
    for name, crm, _, _, _, nps, renew in _CUSTOMERS:
        for n, score in enumerate(nps):
            day = today - timedelta(days=7 + 11 * n)
            person = f"user{n}@{crm}.example"
            rows.append(_answer(crm, f"{crm}-nps-{n}", person, day, "nps", score=score))
            rows.append(
                _answer(crm, f"{crm}-csat-{n}", person, day, "csat", score=min(5, 1 + score // 2))
            )
            rows.append(
                _answer(crm, f"{crm}-ces-{n}", person, day, "ces", score=min(7, 1 + score * 2 // 3))
            )
        rows.append(
            _answer(
                crm,
                f"{crm}-renew",
                f"sponsor@{crm}.example",
                today - timedelta(days=20),
                "renew_today",
                answer=renew,
                comment=_COMMENTS[renew],
            )
        )
        del name
    return [SurveyResponseRow.model_validate(row) for row in rows]


def _answer(
    crm: str, external_id: str, person: str, day: date, kind: str, **extra: Any
) -> dict[str, Any]:
    return {
        "customer_external_id": crm,
        "external_id": external_id,
        "respondent": person,
        "answered_on": day.isoformat(),
        "kind": kind,
        **extra,
    }


def _touch_rows(today: date) -> list[TouchRow]:
    rows = []
    # Acme every week, Globex every three weeks, Initech silent for two months.
    for crm, every, since in (("acme", 7, 0), ("globex", 21, 0), ("initech", 30, 60)):
        for n in range(6):
            day = today - timedelta(days=since + 1 + every * n)
            rows.append(
                TouchRow.model_validate(
                    {
                        "customer_external_id": crm,
                        "external_id": f"{crm}-touch-{n}",
                        "occurred_at": datetime.combine(day, time(15, 0), UTC).isoformat(),
                        "channel": ("call", "email", "meeting")[n % 3],
                        "direction": "inbound" if n % 2 else "outbound",
                        "author": "csm@demo-vendor.example",
                    }
                )
            )
    return rows


def _goal_rows(today: date) -> list[GoalRow]:
    goals = [
        ("acme", "Deflect 20 % of tier-1 tickets", "achieved", -60, -75),
        ("acme", "Roll out to the EMEA team", "in_progress", 45, None),
        ("globex", "Single sign-on for all stores", "in_progress", -10, None),
        ("globex", "Weekly exec dashboard", "achieved", -30, -40),
        ("initech", "Automate chargeback triage", "missed", -20, None),
    ]
    return [
        GoalRow.model_validate(
            {
                "customer_external_id": crm,
                "external_id": f"{crm}-goal-{n}",
                "title": title,
                "status": status,
                "due_on": (today + timedelta(days=due)).isoformat(),
                "achieved_on": None if done is None else (today + timedelta(days=done)).isoformat(),
            }
        )
        for n, (crm, title, status, due, done) in enumerate(goals)
    ]


def _milestone_rows(first_month: date) -> list[MilestoneRow]:
    plans = [("acme", 0, 52, 38), ("globex", 10, 95, 70), ("initech", 40, None, None)]
    return [
        MilestoneRow.model_validate(
            {
                "customer_external_id": crm,
                "kickoff_on": (first_month + timedelta(days=start)).isoformat(),
                "go_live_on": None
                if live is None
                else (first_month + timedelta(days=start + live)).isoformat(),
                "first_value_on": None
                if value is None
                else (first_month + timedelta(days=start + value)).isoformat(),
            }
        )
        for crm, start, live, value in plans
    ]


def _seat_rows(first_month: date) -> list[SeatRow]:
    return [
        SeatRow.model_validate(
            {"customer_external_id": crm, "effective_on": first_month.isoformat(), "seats": seats}
        )
        for _, crm, _, _, seats, _, _ in _CUSTOMERS
    ]


def _month_rows(months: list[date]) -> list[UsageMonthRow]:
    return [
        UsageMonthRow.model_validate(
            {
                "customer_external_id": crm,
                "month": f"{month.year:04d}-{month.month:02d}",
                "monthly_active_users": daily * 2 + n,
            }
        )
        for _, crm, _, daily, _, _, _ in _CUSTOMERS
        for n, month in enumerate(months)
    ]


def _day_rows(months: list[date]) -> list[UsageDayRow]:
    rows = []
    last = (months[-1] + timedelta(days=32)).replace(day=1)
    for _, crm, _, daily, _, _, _ in _CUSTOMERS:
        day = months[0]
        while day < last:
            weekend = day.weekday() >= 5
            active = daily // 4 if weekend else daily + (day.day % 5)
            features = {"dashboards": active * 3 // 4}
            if crm != "initech":
                features["alerts"] = active // 3
            rows.append(
                UsageDayRow.model_validate(
                    {
                        "customer_external_id": crm,
                        "day": day.isoformat(),
                        "active_users": active,
                        "feature_actives": features,
                    }
                )
            )
            day += timedelta(days=1)
    return rows
