"""tracker data versions: a number that changes with every write a report depends on

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:00:00

`tracker_data_versions` holds one row per tracker. Statement-level triggers on every
table whose rows feed a report (the tracker itself, its fees, use cases, calculations,
inputs, input changes, ramp steps, measurements, evidence, notes, month locks, and the
customer whose name a report shows) give each tracker touched by a statement a new
`version` once per statement, whatever code wrote it (services, bulk imports, the demo
seeder, plain SQL). A TRUNCATE of one of those tables renews every tracker's version.
Report caches key on it (`reports.cache`).

Why it is exact:
- Every value comes from the sequence `tracker_data_version_seq`, so a value is never
  given twice, even if a version row is deleted and created again (no ABA).
- The new value is set while holding the version row's lock (upsert), so the
  transactions writing one tracker commit in the order they set their versions, and
  the row's value in any snapshot names the last of them that the snapshot sees: the
  snapshot's data of that tracker is a function of the value. A reader that reads the
  version and the data in one snapshot (`reports.snapshot`, REPEATABLE READ) can never
  pair a version with data missing, or holding more than, what it stands for.
- One bump per statement per tracker: a 10,000-row bulk upsert costs one row update.

Locking: the bump takes the version row's lock at the end of a writer's first writing
statement and keeps it until commit, so writers of one tracker serialize from their
first write to their commit. The existing writers take their tracker `FOR SHARE`, the
advisory lock-state lock and the rows they change (bulk writes: FOR UPDATE, in key
order) before writing, and nothing that another writer of the same tracker could hold
after that, so no cycle forms (tests/api/test_report_cache_writes.py runs concurrent
writers on one tracker). Inserting a version row takes KEY SHARE on the tracker (the
foreign key), which conflicts with neither FOR SHARE nor the tracker update's FOR NO
KEY UPDATE.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The trackers touched by the rows of transition table `{rows}`, per table.
_TRACKERS_OF: dict[str, str] = {
    "trackers": "SELECT r.id FROM {rows} r",
    "tracker_one_time_fees": "SELECT r.tracker_id FROM {rows} r",
    "use_cases": "SELECT r.tracker_id FROM {rows} r",
    "calculations": "SELECT r.tracker_id FROM {rows} r",
    "evidence": "SELECT r.tracker_id FROM {rows} r",
    "notes": "SELECT r.tracker_id FROM {rows} r",
    "tracker_locks": "SELECT r.tracker_id FROM {rows} r",
    "calculation_inputs": (
        "SELECT c.tracker_id FROM {rows} r JOIN calculations c ON c.id = r.calculation_id"
    ),
    "calculation_ramp_steps": (
        "SELECT c.tracker_id FROM {rows} r JOIN calculations c ON c.id = r.calculation_id"
    ),
    "measurements": (
        "SELECT c.tracker_id FROM {rows} r JOIN calculations c ON c.id = r.calculation_id"
    ),
    "input_changes": (
        "SELECT c.tracker_id FROM {rows} r JOIN calculation_inputs i ON i.id = r.input_id "
        "JOIN calculations c ON c.id = i.calculation_id"
    ),
    # A report shows its customer's name: renaming a customer renews its trackers.
    "customers": "SELECT t.id FROM {rows} r JOIN trackers t ON t.customer_id = r.id",
}

_BUMP = """
CREATE FUNCTION bump_tracker_data_versions(touched uuid[]) RETURNS void
LANGUAGE sql AS $$
    -- Trackers deleted in this statement (cascades) are skipped: their row goes with them.
    -- Rows are locked in id order, so two multi-tracker statements cannot deadlock here.
    INSERT INTO tracker_data_versions (tracker_id, version)
    SELECT t.id, nextval('tracker_data_version_seq')
    FROM trackers t WHERE t.id = ANY(touched) ORDER BY t.id
    ON CONFLICT (tracker_id) DO UPDATE SET version = nextval('tracker_data_version_seq');
$$
"""

_BUMP_ALL = """
CREATE FUNCTION bump_all_tracker_data_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tracker_data_versions SET version = nextval('tracker_data_version_seq');
    RETURN NULL;
END $$
"""


_FUNCTION = """
CREATE FUNCTION bump_tracker_data_versions_TABLE() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_tracker_data_versions(ARRAY(SELECT DISTINCT x.id FROM (NEW_IDS) x(id)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bump_tracker_data_versions(ARRAY(SELECT DISTINCT x.id FROM (OLD_IDS) x(id)));
    ELSE
        PERFORM bump_tracker_data_versions(
            ARRAY(SELECT x.id FROM (NEW_IDS) x(id) UNION SELECT y.id FROM (OLD_IDS) y(id)));
    END IF;
    RETURN NULL;
END $$
"""


def _function(table: str) -> str:
    """The trigger function of `table` (names and queries are this module's constants)."""
    query = _TRACKERS_OF[table]
    return (
        _FUNCTION.replace("TABLE", table)
        .replace("NEW_IDS", query.format(rows="new_rows"))
        .replace("OLD_IDS", query.format(rows="old_rows"))
    )


# Transition tables need one trigger per event.
_EVENTS = {
    "insert": ("INSERT", "NEW TABLE AS new_rows"),
    "update": ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    "delete": ("DELETE", "OLD TABLE AS old_rows"),
}


def upgrade() -> None:
    op.execute("CREATE SEQUENCE tracker_data_version_seq")
    op.create_table(
        "tracker_data_versions",
        sa.Column("tracker_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tracker_id"],
            ["trackers.id"],
            name=op.f("fk_tracker_data_versions_tracker_id_trackers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tracker_id", name=op.f("pk_tracker_data_versions")),
    )
    op.execute(
        "INSERT INTO tracker_data_versions (tracker_id, version) "
        "SELECT id, nextval('tracker_data_version_seq') FROM trackers ORDER BY id"
    )
    op.execute(_BUMP)
    op.execute(_BUMP_ALL)
    for table in _TRACKERS_OF:
        op.execute(_function(table))
        for event, (operation, transition) in _EVENTS.items():
            if table == "customers" and event != "update":
                continue  # a new customer has no tracker; one with trackers cannot go
            op.execute(
                f"CREATE TRIGGER tracker_data_version_{event} AFTER {operation} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION bump_tracker_data_versions_{table}()"
            )
        op.execute(
            f"CREATE TRIGGER tracker_data_version_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_all_tracker_data_versions()"
        )


def downgrade() -> None:
    for table in _TRACKERS_OF:
        for event in (*_EVENTS, "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS tracker_data_version_{event} ON {table}")
        op.execute(f"DROP FUNCTION bump_tracker_data_versions_{table}()")
    op.execute("DROP FUNCTION bump_all_tracker_data_versions()")
    op.execute("DROP FUNCTION bump_tracker_data_versions(uuid[])")
    op.drop_table("tracker_data_versions")
    op.execute("DROP SEQUENCE tracker_data_version_seq")
