"""Which months of a tracker's calculations have notes or evidence, for reports: the
measurement table marks them, and the data-quality review (SPEC 3) flags estimates and
spikes that have neither."""

from __future__ import annotations

import uuid

from sqlalchemy import literal, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.models.evidence import Evidence, Note
from valuecalc_core.months import Month

# calculation id -> (months with a note, months with evidence)
Annotations = dict[uuid.UUID, tuple[frozenset[Month], frozenset[Month]]]

_EMPTY: frozenset[Month] = frozenset()


async def annotations_for_tracker(
    session: AsyncSession, organization_id: uuid.UUID, tracker_id: uuid.UUID
) -> Annotations:
    """For each calculation of the tracker with any note or evidence, the months having them.

    Calculations with neither are absent: use `.get(calculation_id, (frozenset(), frozenset()))`.
    One query.
    """
    notes = select(Note.calculation_id, Note.month, literal("note").label("what")).where(
        Note.organization_id == organization_id, Note.tracker_id == tracker_id
    )
    evidence = select(
        Evidence.calculation_id, Evidence.month, literal("evidence").label("what")
    ).where(Evidence.organization_id == organization_id, Evidence.tracker_id == tracker_id)
    rows = (await session.execute(union(notes, evidence))).all()
    noted: dict[uuid.UUID, set[Month]] = {}
    evidenced: dict[uuid.UUID, set[Month]] = {}
    for calculation_id, month, what in rows:
        target = noted if what == "note" else evidenced
        target.setdefault(calculation_id, set()).add(month)
    return {
        calculation_id: (
            frozenset(noted.get(calculation_id, _EMPTY)),
            frozenset(evidenced.get(calculation_id, _EMPTY)),
        )
        for calculation_id in noted.keys() | evidenced.keys()
    }
