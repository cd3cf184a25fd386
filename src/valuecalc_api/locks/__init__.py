"""Month locks (SPEC 3 "Month lock"): `service.ensure_unlocked` guards every write path;
`routes` lets an admin lock a tracker through a month, move the lock or remove it."""
