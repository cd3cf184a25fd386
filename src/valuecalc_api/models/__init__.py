"""ORM classes, one module per aggregate. Importing this package registers every table
on `Base.metadata` (Alembic's env.py and the tests rely on it)."""

from valuecalc_api.models.audit import AuditAction, AuditEntity, AuditEvent
from valuecalc_api.models.base import Base
from valuecalc_api.models.calculation import Calculation, CalculationInput, RampStep
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.data_version import TrackerDataVersion
from valuecalc_api.models.evidence import Evidence, EvidenceBlob, EvidenceKind, Note
from valuecalc_api.models.goal import Goal
from valuecalc_api.models.health import (
    HealthOverride,
    HealthProfile,
    HealthProfileVersion,
    Pulse,
    PulseReasonCode,
)
from valuecalc_api.models.idempotency import IdempotencyKey
from valuecalc_api.models.lock import TrackerLock
from valuecalc_api.models.measurement import InputChange, Measurement
from valuecalc_api.models.onboarding import OnboardingMilestones
from valuecalc_api.models.organization import ApiKey, Organization, Role
from valuecalc_api.models.rate_limit import RateLimitBucket
from valuecalc_api.models.revenue import ArrMovement, ContractLine, CsLead, FxRate, Renewal
from valuecalc_api.models.survey_response import SurveyResponse
from valuecalc_api.models.touch import Touch
from valuecalc_api.models.tracker import OneTimeFee, Tracker, UseCase
from valuecalc_api.models.usage import SeatCount, UsageDay, UsageMonth

__all__ = [
    "ApiKey",
    "ArrMovement",
    "AuditAction",
    "AuditEntity",
    "AuditEvent",
    "Base",
    "Calculation",
    "CalculationInput",
    "ContractLine",
    "CsLead",
    "Customer",
    "Evidence",
    "EvidenceBlob",
    "EvidenceKind",
    "FxRate",
    "Goal",
    "HealthOverride",
    "HealthProfile",
    "HealthProfileVersion",
    "IdempotencyKey",
    "InputChange",
    "Measurement",
    "Note",
    "OnboardingMilestones",
    "OneTimeFee",
    "Organization",
    "Pulse",
    "PulseReasonCode",
    "RampStep",
    "RateLimitBucket",
    "Renewal",
    "Role",
    "SeatCount",
    "SurveyResponse",
    "Touch",
    "Tracker",
    "TrackerDataVersion",
    "TrackerLock",
    "UsageDay",
    "UsageMonth",
    "UseCase",
]
