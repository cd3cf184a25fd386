"""The one write path of every signal table: rows keyed by an external id or by
(customer, day), planned against what is stored (`core.signals.planning`), then written
in one INSERT … ON CONFLICT DO UPDATE with their audit events. All SQL of it lives here.

Columns are named by `TableSpec` (fixed identifiers, never user text); values travel as
one array parameter per column, so 10,000 rows are one statement.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from valuecalc_api.audit.service import AuditChange, record_many
from valuecalc_api.auth.dependencies import Principal
from valuecalc_api.bulk_writes.row_errors import RowsRefused
from valuecalc_api.models.audit import AuditAction, AuditEntity
from valuecalc_api.signals.bulk import SignalOutcome, duplicate_errors, row_ids
from valuecalc_core.signals.planning import RowStatus, plan_rows

Key = tuple[Any, ...]
Content = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A signal table: its key columns (with the unique constraint they form) and the
    content columns a row sets; each column with its PostgreSQL type (`jsonb` columns
    carry canonical JSON text)."""

    table: str
    keys: tuple[tuple[str, str], ...]
    content: tuple[tuple[str, str], ...]
    entity: AuditEntity
    key_field: str  # the row field named by a duplicate-row problem
    timestamps: bool = True  # has created_at / updated_at

    def _columns(self) -> tuple[tuple[str, str], ...]:
        return self.keys + self.content


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _stored_value(sql_type: str, value: Any) -> Any:
    return canonical_json(json.loads(value)) if sql_type == "jsonb" else value


def _array_type(sql_type: str) -> str:
    return "text" if sql_type == "jsonb" else sql_type


async def _stored(
    session: AsyncSession, spec: TableSpec, organization_id: uuid.UUID, keys: Sequence[Key]
) -> dict[Key, tuple[uuid.UUID, Content]]:
    """The stored rows with these keys, locked for the write: key -> (id, content)."""
    key_names = [name for name, _ in spec.keys]
    selected = ", ".join(
        f"t.{name}::text" if sql_type == "jsonb" else f"t.{name}"
        for name, sql_type in spec._columns()
    )
    unnest = ", ".join(
        f"CAST(:k{i} AS {_array_type(sql_type)}[])" for i, (_, sql_type) in enumerate(spec.keys)
    )
    join = " AND ".join(f"t.{name} = k.{name}" for name in key_names)
    sql = f"""
        SELECT t.id, {selected}
        FROM {spec.table} t
        JOIN unnest({unnest}) AS k({", ".join(key_names)}) ON {join}
        WHERE t.organization_id = :organization_id
        FOR UPDATE OF t
    """  # noqa: S608 - identifiers come from TableSpec constants; values are bound
    parameters: dict[str, Any] = {"organization_id": organization_id}
    for i in range(len(spec.keys)):
        parameters[f"k{i}"] = [key[i] for key in keys]
    found: dict[Key, tuple[uuid.UUID, Content]] = {}
    width = len(spec.keys)
    for row in await session.execute(text(sql), parameters):
        values = tuple(
            _stored_value(sql_type, value)
            for (_, sql_type), value in zip(spec._columns(), row[1:], strict=True)
        )
        found[values[:width]] = (row[0], values[width:])
    return found


async def _upsert(
    session: AsyncSession,
    spec: TableSpec,
    organization_id: uuid.UUID,
    rows: Sequence[tuple[uuid.UUID, Key, Content]],
) -> None:
    if not rows:
        return
    columns = spec._columns()
    names = [name for name, _ in columns]
    unnest = ", ".join(
        f"CAST(:c{i} AS {_array_type(sql_type)}[])" for i, (_, sql_type) in enumerate(columns)
    )
    selected = ", ".join(
        f"r.{name}::jsonb" if sql_type == "jsonb" else f"r.{name}" for name, sql_type in columns
    )
    updates = [f"{name} = EXCLUDED.{name}" for name, _ in spec.content]
    if spec.timestamps:
        updates.append("updated_at = now()")
    conflict = ", ".join(
        (["organization_id"] if spec.keys[0][0] == "external_id" else [])
        + [name for name, _ in spec.keys]
    )
    sql = f"""
        INSERT INTO {spec.table} (id, organization_id, {", ".join(names)})
        SELECT r.id, CAST(:organization_id AS uuid), {selected}
        FROM unnest(CAST(:ids AS uuid[]), {unnest}) AS r(id, {", ".join(names)})
        ON CONFLICT ({conflict}) DO UPDATE SET {", ".join(updates)}
    """  # noqa: S608 - identifiers come from TableSpec constants; values are bound
    parameters: dict[str, Any] = {
        "organization_id": organization_id,
        "ids": [row_id for row_id, _, _ in rows],
    }
    for i in range(len(columns)):
        parameters[f"c{i}"] = [(*key, *content)[i] for _, key, content in rows]
    await session.execute(text(sql), parameters)


def key_text(key: Key) -> str:
    return "/".join(str(part) for part in key)


async def write_keyed(
    session: AsyncSession,
    principal: Principal,
    spec: TableSpec,
    rows: Sequence[tuple[Key, Content]],
) -> SignalOutcome:
    """Plan `(key, content)` rows against the stored ones and write the created and
    updated ones with an audit event each; a key twice in the request refuses it all."""
    stored = await _stored(session, spec, principal.organization_id, [key for key, _ in rows])
    plan = plan_rows(rows, {key: content for key, (_, content) in stored.items()})
    if plan.duplicates:
        raise RowsRefused(duplicate_errors(plan, spec.key_field))
    ids = row_ids(plan, [stored[key][0] if key in stored else None for key, _ in rows])
    key_names = [name for name, _ in spec.keys]
    content_names = [name for name, _ in spec.content]
    writes = []
    changes = []
    for row_id, status, (key, content) in zip(ids, plan.statuses, rows, strict=True):
        if status is RowStatus.unchanged:
            continue
        writes.append((row_id, key, content))
        held = stored.get(key)
        identity = dict(zip(key_names, key, strict=True))
        changes.append(
            AuditChange(
                spec.entity,
                row_id,
                None,
                AuditAction.update if held else AuditAction.create,
                None if held is None else {**identity, **_state(spec, content_names, held[1])},
                {**identity, **_state(spec, content_names, content)},
            )
        )
    await _upsert(session, spec, principal.organization_id, writes)
    await record_many(session, principal, changes)
    return SignalOutcome(
        [
            (row_id, status, key_text(key))
            for row_id, status, (key, _) in zip(ids, plan.statuses, rows, strict=True)
            if status is not None
        ]
    )


def _state(spec: TableSpec, names: list[str], content: Content) -> dict[str, Any]:
    types = dict(spec.content)
    return {
        name: json.loads(value) if types[name] == "jsonb" and value is not None else value
        for name, value in zip(names, content, strict=True)
    }
