"""`/v1/signal-settings`: the organization's time zone (usage days are cut at its midnight,
and it is named in every usage answer) and its designated value features (SPEC 5)."""

from __future__ import annotations

from fastapi import APIRouter

from valuecalc_api.audit.service import record
from valuecalc_api.auth.dependencies import AdminDep, PrincipalDep
from valuecalc_api.db import SessionDep
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.problems import invalid
from valuecalc_api.signals import repository
from valuecalc_api.signals.schemas import SignalSettingsIn, SignalSettingsOut

router = APIRouter(tags=["signal settings"])


@router.get("/signal-settings", response_model=SignalSettingsOut)
async def get_signal_settings(principal: PrincipalDep, session: SessionDep) -> SignalSettingsOut:
    """The organization's signal settings: its time zone for day boundaries and its designated value features."""
    time_zone, features, _ = await repository.signal_settings(session, principal.organization_id)
    return SignalSettingsOut(time_zone=time_zone, value_features=features)


@router.put("/signal-settings", response_model=SignalSettingsOut)
async def put_signal_settings(
    body: SignalSettingsIn, principal: AdminDep, session: SessionDep
) -> SignalSettingsOut:
    """Set the time zone (an IANA name such as `Europe/Berlin`) and the value features
    (admin keys only). Figures are computed with the settings in force when asked."""
    if not await repository.time_zone_known(session, body.time_zone):
        raise invalid(
            [
                {
                    "field": "time_zone",
                    "code": "unknown_time_zone",
                    "message": "time_zone must be an IANA time zone name, e.g. Europe/Berlin.",
                }
            ]
        )
    time_zone, features, _ = await repository.signal_settings(session, principal.organization_id)
    features_after = sorted(set(body.value_features))
    await repository.set_signal_settings(
        session, principal.organization_id, body.time_zone, features_after
    )
    await record(
        session,
        principal,
        entity_type=AuditEntity.signal_settings,
        entity_id=principal.organization_id,
        tracker_id=None,
        action=AuditAction.update,
        before={"time_zone": time_zone, "value_features": features},
        after={"time_zone": body.time_zone, "value_features": features_after},
    )
    return SignalSettingsOut(time_zone=body.time_zone, value_features=features_after)
