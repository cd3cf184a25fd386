"""CPU-bound work off the event loop: `await run_cpu(fn, *args)`.

Converting a tracker's rows into the core's input, the core itself and turning a large
report into strings and JSON take from a few milliseconds to seconds of pure Python. On
the event loop that time would hold up every other request of the process; in a worker
thread the loop keeps answering. The thread still holds the GIL, but when the loop's
thread wants it back (a socket became readable, a query answered) the interpreter makes
the worker hand it over within the switch interval (Python's default: 5 ms).

The app sets the switch interval to `SWITCH_INTERVAL_SECONDS` (1 ms): the loop then waits
at most 1 ms for the GIL each time, and a cheap request needs it several times (accept,
read, each query's answer). It matters only while another thread runs, i.e. during such
work; `make bench-api` measured a cheap request's p99 during portfolios lower with it
(README, Benchmarks).

At most `settings.cpu_threads` such calls run at once per process (one anyio
`CapacityLimiter` per event loop); the others wait for a slot without holding a thread.
Pure Python gains no throughput from more threads under the GIL, while each running one
competes with the loop for it, so a small number keeps the loop responsive and still
lets a small report pass a large one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar, TypeVarTuple

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar

T = TypeVar("T")
Args = TypeVarTuple("Args")

SWITCH_INTERVAL_SECONDS = 0.001
_threads = 2
_LIMITER: RunVar[CapacityLimiter] = RunVar("valuecalc_cpu_limiter")


def configure(threads: int) -> None:
    """How many CPU-bound calls run at once (set from `Settings.cpu_threads` by the app;
    applies to event loops that have not run such a call yet), and the interpreter's GIL
    switch interval."""
    global _threads
    _threads = threads
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def _limiter() -> CapacityLimiter:
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = CapacityLimiter(_threads)
        _LIMITER.set(limiter)
        return limiter


async def run_cpu(fn: Callable[[*Args], T], *args: *Args) -> T:
    """`fn(*args)` in a worker thread, once one of the `cpu_threads` slots is free. `fn`
    must do no I/O and touch nothing the event loop changes meanwhile."""
    return await anyio.to_thread.run_sync(fn, *args, limiter=_limiter())
