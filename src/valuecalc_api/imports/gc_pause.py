"""Pausing Python's cyclic garbage collector while a bulk request builds and drops its
per-row objects.

A 10,000-row request allocates a few hundred thousand short-lived containers (parsed
rows, keys, plans); each time enough of them pile up the collector walks the whole heap
of the process, and `make bench-ingest` measured that as about half of the request's
time. Reference counting still frees every acyclic object at once; only the search for
cycles waits until the last overlapping bulk request ends. Reentrant: overlapping
requests share one pause, and a collector someone else switched off stays off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _depth, _was_enabled
    if _depth == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _was_enabled:
            gc.enable()
