"""The person a call acts for (SPEC 6 "who is a person, not only a key").

A frontend that serves many people calls with one API key and names the person in
`Valuecalc-Actor` (a stable id) and optionally `Valuecalc-Actor-Name` (a display name).
`auth.dependencies.authenticate` reads both into `Principal.actor`; `audit.service`
stamps it on every audit event, and authored objects (notes, evidence) keep it beside
their key. The actor is a label only: what a call may do is decided by the key alone.

Reuse in a new domain:
- `ActorDep` (`dependencies`) gives the route the `Actor | None` of the call;
- `actor_columns()` (`models.authorship`) and `Author` (`schemas`) store and show an
  author the same way as notes do; `audit.service.record` stamps events by itself.
"""
