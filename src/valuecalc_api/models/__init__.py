"""ORM classes, one module per aggregate. Importing this package registers every table
on `Base.metadata` (Alembic's env.py and the tests rely on it)."""

from valuecalc_api.models.audit import AuditAction, AuditEntity, AuditEvent
from valuecalc_api.models.base import Base
from valuecalc_api.models.calculation import Calculation, CalculationInput, RampStep
from valuecalc_api.models.customer import Customer
from valuecalc_api.models.data_version import TrackerDataVersion
from valuecalc_api.models.evidence import Evidence, EvidenceBlob, EvidenceKind, Note
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
from valuecalc_api.models.organization import ApiKey, Organization, Role
from valuecalc_api.models.tracker import OneTimeFee, Tracker, UseCase

__all__ = [
    "ApiKey",
    "AuditAction",
    "AuditEntity",
    "AuditEvent",
    "Base",
    "Calculation",
    "CalculationInput",
    "Customer",
    "Evidence",
    "EvidenceBlob",
    "EvidenceKind",
    "HealthOverride",
    "HealthProfile",
    "HealthProfileVersion",
    "IdempotencyKey",
    "InputChange",
    "Measurement",
    "Note",
    "OneTimeFee",
    "Organization",
    "Pulse",
    "PulseReasonCode",
    "RampStep",
    "Role",
    "Tracker",
    "TrackerDataVersion",
    "TrackerLock",
    "UseCase",
]
