"""The person a call acts for (SPEC 6 "who is a person, not only a key").

A frontend that serves many people calls with one API key and names the person in
`Valuecalc-Actor` (a stable id) and optionally `Valuecalc-Actor-Name` (a display name).
`auth.dependencies.authenticate` reads both into `Principal.actor`; `audit.service`
stamps it on every audit event, and authored objects (notes, evidence) keep it beside
their key. The actor is a label only: what a call may do is decided by the key alone.

Reuse in a new domain (pulse, overrides, ...):
- a route reads the `Actor | None` of the call as `principal.actor` (`PrincipalDep`), a
  service that has the `Principal` reads `principal.actor_id` / `principal.actor_name`
  (`actors` imports nothing of `auth`: `auth` reads the headers with `actors.header`);
- `audit.service.record` / `record_many` stamp the actor on every event by themselves
  (bulk SQL lists `AUDIT_WHO_COLUMNS` / `AUDIT_WHO_VALUES` with `**who_made_it(principal)`);
- a row with an author takes `actor_id_column()`, `actor_name_column()` and
  `column_property(key_prefix_of(<its key id column>))` (`models.authorship`), returns
  an `Authorship` property, and its body shows it as `AuthorOut` (`schemas`);
- a history list filters with `HistoryFilter(actor_id=...)` and the `actor` query
  parameter (`audit.routes.ActorQuery`).
"""
