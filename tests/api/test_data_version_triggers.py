"""Every table a cached read depends on renews the tracker's data version when written.

Cached reads (reports, tables, the Measurements tab, the renewal pack, charts) are kept
under the data version of their tracker(s) (`reports.cache`), which triggers renew on
every write to the tables that feed a report (migration 0005). A table a cached read
reads without such a trigger lets a write leave the old bytes served, and answered 304,
for as long as the cache holds them.

The tables are found from the code, not listed here: every GET operation that answers
304 is called twice on the demo data (`valuecalc_api.demo`, plus a lock and evidence);
what the first call (a miss) read and the second (a hit) did not is what the cache
stands in for. PostgreSQL names the tables of each such statement (`EXPLAIN`, "Relation
Name"), and its catalogue must show, for each table, the triggers that renew data
versions for every write that can change a report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.conftest import bearer
from tests.api.value_tracking_builders import expect
from valuecalc_api.demo import seed_demo
from valuecalc_api.reports.cache import report_cache
from valuecalc_api.settings import Settings

# The version itself: read on a miss (in the snapshot, before the data) to key the entry.
VERSION_TABLE = "tracker_data_versions"

# pg_trigger.tgtype bits (PostgreSQL's src/include/catalog/pg_trigger.h).
_INSERT, _DELETE, _UPDATE, _TRUNCATE = 4, 8, 16, 32
EVENTS = {"INSERT": _INSERT, "UPDATE": _UPDATE, "DELETE": _DELETE, "TRUNCATE": _TRUNCATE}

# Triggers whose function renews data versions (it writes `tracker_data_versions`,
# itself or through a function it calls), by table and event.
_RENEWING_TRIGGERS = """
WITH RECURSIVE renewing(oid) AS (
    SELECT p.oid FROM pg_proc p
    WHERE p.pronamespace = current_schema()::regnamespace
      AND p.prosrc ~* '(insert\\s+into|update)\\s+tracker_data_versions'
    UNION
    SELECT p.oid FROM pg_proc p, renewing r, pg_proc callee
    WHERE callee.oid = r.oid AND p.pronamespace = current_schema()::regnamespace
      AND p.prosrc ~* ('\\m' || callee.proname || '\\s*\\(')
)
SELECT c.relname, t.tgtype
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgfoid IN (SELECT oid FROM renewing)
  AND c.relnamespace = current_schema()::regnamespace
"""

# The tables `trackers` references (its customer, its organization): inserting a row
# there changes no tracker, and deleting one a tracker references is refused or reaches
# the tracker through the foreign key (whose own triggers renew it): they need UPDATE and
# TRUNCATE only.
_TRACKER_PARENTS = """
SELECT DISTINCT confrelid::regclass::text FROM pg_constraint
WHERE contype = 'f' AND conrelid = 'trackers'::regclass
"""


@dataclass
class Statement:
    sql: str
    parameters: tuple[Any, ...]


@contextmanager
def recording(app: FastAPI) -> Iterator[list[Statement]]:
    """Every statement the app's engine runs inside the block, with its parameters."""
    statements: list[Statement] = []
    engine = app.state.engine.sync_engine

    def record(
        _conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        if not many:
            statements.append(Statement(sql, tuple(parameters or ())))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def relations_read(session: AsyncSession, statements: list[Statement]) -> set[str]:
    """The tables PostgreSQL plans to read for `statements` (queries only)."""
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    tables: set[str] = set()
    for statement in statements:
        if statement.sql.lstrip().split(None, 1)[0].upper() not in {"SELECT", "WITH"}:
            continue
        plan = await raw.fetchval(f"EXPLAIN (FORMAT JSON) {statement.sql}", *statement.parameters)
        if isinstance(plan, str):  # unless the connection decodes JSON itself
            plan = json.loads(plan)
        tables |= set(_relation_names(plan))
    return tables


def _relation_names(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "Relation Name" in node:
            yield node["Relation Name"]
        for value in node.values():
            yield from _relation_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _relation_names(item)


def cached_read_urls(app: FastAPI, ids: dict[str, str]) -> tuple[list[str], list[str]]:
    """(URLs of every GET operation the contract documents a 304 for, one per value of an
    enumerated path parameter, required query parameters set to their documented example;
    the parameters this test has no value for)."""
    document = app.openapi()
    schemas = document["components"]["schemas"]
    urls: list[str] = []
    unknown: list[str] = []
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None or "304" not in operation["responses"]:
            continue
        paths, query = [path], {}
        for parameter in operation.get("parameters", []):
            if "name" not in parameter or not parameter.get("required"):
                continue
            schema = parameter["schema"]
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            name = parameter["name"]
            if parameter["in"] == "path":
                choices = schema.get("enum") or ([ids[name]] if name in ids else [])
                paths = [p.replace(f"{{{name}}}", str(c)) for p in paths for c in choices]
            else:
                query[name] = next(iter(schema.get("examples") or [schema.get("example")]))
            if not paths or query.get(name, "") is None:
                unknown.append(f"{path}: {name}")
        suffix = "&".join(f"{name}={value}" for name, value in query.items())
        urls += [f"{p}?{suffix}" if suffix else p for p in paths]
    return urls, unknown


async def _demo(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> tuple[dict[str, str], dict[str, str]]:
    """The demo organization's admin headers and the ids of its tracker's objects; a lock
    and evidence of each kind besides what the demo holds."""
    demo = await seed_demo(session, settings)
    await session.commit()
    headers = bearer(demo.admin_key)
    tracker_id = str(demo.tracker_id)
    tracker = expect(await client.get(f"/v1/trackers/{tracker_id}", headers=headers), 200)
    use_cases = expect(
        await client.get(f"/v1/trackers/{tracker_id}/use-cases", headers=headers), 200
    )["items"]
    use_case_id = use_cases[0]["id"]
    calculations = expect(
        await client.get(f"/v1/use-cases/{use_case_id}/calculations", headers=headers), 200
    )["items"]
    calculation_id = calculations[0]["id"]
    evidence = f"/v1/calculations/{calculation_id}/months/2026-02/evidence"
    link = {"kind": "link", "url": "https://bi.example/d/42", "caption": "Dashboard"}
    expect(await client.post(evidence, json=link, headers=headers), 201)
    upload = {"file": ("tickets.csv", b"month,tickets\n2026-02,130\n", "text/csv")}
    expect(await client.post(evidence, files=upload, headers=headers), 201)
    lock = {"through": "2026-01"}
    expect(await client.put(f"/v1/trackers/{tracker_id}/lock", json=lock, headers=headers), 200)
    ids = {
        "tracker_id": tracker_id,
        "use_case_id": use_case_id,
        "calculation_id": calculation_id,
        "customer_id": str(tracker["customer_id"]),
    }
    return headers, ids


async def tables_cached_reads_depend_on(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> dict[str, set[str]]:
    """{table: the cached reads (URLs) that read it on a miss and not on a hit}."""
    headers, ids = await _demo(client, session, settings)
    urls, unknown = cached_read_urls(app, ids)
    assert not unknown, f"give this test a value for these parameters: {unknown}"
    cache = report_cache(app)
    assert cache is not None
    cache.clear()
    readers: dict[str, set[str]] = {}
    cached = 0
    for url in urls:
        entries = len(cache)
        with recording(app) as miss:
            first = await client.get(url, headers=headers)
        if len(cache) == entries:
            # Not kept under data versions: tagged by its content (the health charts, which
            # may also ask for a `currency` this walk does not send), or not a success.
            continue
        assert first.status_code == 200, (url, first.text)
        cached += 1
        with recording(app) as hit:
            second = await client.get(url, headers=headers)
        assert second.status_code == 200, url
        assert second.content == first.content, url
        served_from_cache = {s.sql for s in hit}
        computed = [s for s in miss if s.sql not in served_from_cache]
        assert computed, f"{url}: the second call read all the first did: not a cache hit"
        for table in await relations_read(session, computed):
            readers.setdefault(table, set()).add(url.split("?")[0])
    # The reports, tables, Measurements tab, renewal pack and charts at the least.
    assert cached >= 10, urls
    readers.pop(VERSION_TABLE, None)
    return readers


async def renewing_events(session: AsyncSession) -> dict[str, set[str]]:
    """{table: the events a trigger of which renews data versions}."""
    events: dict[str, set[str]] = {}
    for table, tgtype in (await session.execute(text(_RENEWING_TRIGGERS))).all():
        events.setdefault(table, set()).update(e for e, bit in EVENTS.items() if tgtype & bit)
    return events


async def missing_triggers(
    session: AsyncSession, readers: dict[str, set[str]]
) -> dict[str, list[str]]:
    """{table: the events it lacks a renewing trigger for} among the tables read."""
    have = await renewing_events(session)
    parents = set((await session.scalars(text(_TRACKER_PARENTS))).all())
    missing: dict[str, list[str]] = {}
    for table in sorted(readers):
        needed = {"UPDATE", "TRUNCATE"} if table in parents else set(EVENTS)
        lacking = sorted(needed - have.get(table, set()))
        if lacking:
            missing[table] = lacking
    return missing


async def test_every_table_a_cached_read_reads_renews_the_data_version(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    readers = await tables_cached_reads_depend_on(app, client, session, settings)
    # Tables every report reads: the search above found them from the code.
    assert {"trackers", "use_cases", "calculations", "measurements", "notes"} <= set(readers)
    await session.rollback()
    missing = await missing_triggers(session, readers)
    assert missing == {}, {
        table: (events, sorted(readers[table])) for table, events in missing.items()
    }

    # The check fails when a trigger is missing: two dropped in a transaction rolled back
    # (the schema stays as migrated).
    await session.execute(text("DROP TRIGGER tracker_data_version_update ON measurements"))
    await session.execute(text("DROP TRIGGER tracker_data_version_truncate ON notes"))
    dropped = await missing_triggers(session, readers)
    await session.rollback()
    assert dropped == {"measurements": ["UPDATE"], "notes": ["TRUNCATE"]}
