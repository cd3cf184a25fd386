"""The app with the GIL switch interval of `BENCH_SWITCH_INTERVAL` (seconds), set after
the app's own (`cpu_work`), for `bench_api.py` to compare intervals on any code."""

from __future__ import annotations

import os
import sys

from fastapi import FastAPI

from valuecalc_api.app import create_app as create_valuecalc_app


def create_app() -> FastAPI:
    app = create_valuecalc_app()
    sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))
    return app
