"""Survey responses: NPS, CSAT, CES and "would you renew today" answers (SPEC 5)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from valuecalc_api.models.base import Base, IdMixin, TimestampMixin

# One rule per kind: its scale, or the renew-today answer (mirrors the core's SCALES).
_ANSWER_FITS_KIND = (
    "(kind = 'nps' AND score BETWEEN 0 AND 10 AND answer IS NULL)"
    " OR (kind = 'csat' AND score BETWEEN 1 AND 5 AND answer IS NULL)"
    " OR (kind = 'ces' AND score BETWEEN 1 AND 7 AND answer IS NULL)"
    " OR (kind = 'renew_today' AND score IS NULL AND answer IN ('yes', 'no', 'unsure'))"
)


class SurveyResponse(IdMixin, TimestampMixin, Base):
    """One answer of one respondent of a customer; `external_id` (the survey tool's id) is
    unique in the organization and makes ingestion idempotent."""

    __tablename__ = "survey_responses"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - server defaults via RETURNING
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id", name="uq_survey_responses_external_id"),
        CheckConstraint(_ANSWER_FITS_KIND, name="answer_fits_kind"),
        Index(
            "ix_survey_responses_customer_id_kind_answered_on", "customer_id", "kind", "answered_on"
        ),
        Index(
            "ix_survey_responses_organization_id_created_at", "organization_id", "created_at", "id"
        ),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    respondent: Mapped[str] = mapped_column(String(200))
    answered_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    answer: Mapped[str | None] = mapped_column(String(8), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    excluded: Mapped[bool] = mapped_column(default=False, server_default="false")
    excluded_reason: Mapped[str | None] = mapped_column(String(500), default=None)


# Scores over a window take each respondent's latest answer (DISTINCT ON customer,
# respondent, newest first): this index hands them over in that order with what a score
# needs, an index-only scan without a sort even over a million answers.
Index(
    "ix_survey_responses_latest_per_respondent",
    SurveyResponse.organization_id,
    SurveyResponse.kind,
    SurveyResponse.customer_id,
    SurveyResponse.respondent,
    SurveyResponse.answered_on.desc(),
    SurveyResponse.external_id.desc(),
    postgresql_include=["score", "excluded"],
)
