"""CSM overrides of a health score: shown beside the computed score while in force."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class OverrideStatus(StrEnum):
    scheduled = "scheduled"
    in_force = "in_force"
    expired = "expired"
    ended = "ended"


@dataclass(frozen=True, slots=True)
class ScoreOverride:
    """A CSM's score for a customer from `starts_on` through `expires_on` (both included),
    unless ended earlier: `ended_on` is the first day it no longer applies."""

    id: str
    score: Decimal
    reason: str
    author: str
    starts_on: date
    expires_on: date
    ended_on: date | None = None

    def status(self, on: date) -> OverrideStatus:
        if self.ended_on is not None and on >= self.ended_on:
            return OverrideStatus.ended
        if on < self.starts_on:
            return OverrideStatus.scheduled
        if on > self.expires_on:
            return OverrideStatus.expired
        return OverrideStatus.in_force


def override_in_force(overrides: Iterable[ScoreOverride], on: date) -> ScoreOverride | None:
    """The override that applies on `on`: of those in force, the latest to start (the later
    one in `overrides`' order on a tie), or None."""
    chosen: ScoreOverride | None = None
    for override in overrides:
        if override.status(on) is OverrideStatus.in_force and (
            chosen is None or override.starts_on >= chosen.starts_on
        ):
            chosen = override
    return chosen
