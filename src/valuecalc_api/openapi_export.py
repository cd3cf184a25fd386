"""The OpenAPI document (`openapi/openapi.json`, the contract of SPEC 6), written and checked.

The document comes from `create_app()` alone: no database is needed, since the engine
is created only when the app starts serving.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from valuecalc_api.app import create_app
from valuecalc_api.settings import Settings

DEFAULT_PATH = Path("openapi/openapi.json")
# Never connected to: the app's lifespan (which opens the engine) does not run here.
_NO_DATABASE = "postgresql://openapi-export@localhost/unused"


def render() -> str:
    """The document as committed: sorted keys, 2-space indent, trailing newline."""
    settings = Settings(_env_file=None, database_url=_NO_DATABASE, environment="dev")
    document = create_app(settings).openapi()
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write(path: Path = DEFAULT_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")


def check(path: Path = DEFAULT_PATH) -> str | None:
    """None when `path` equals a fresh export, else a message with the start of the diff."""
    fresh = render()
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    if committed == fresh:
        return None
    diff = list(
        difflib.unified_diff(
            committed.splitlines(),
            fresh.splitlines(),
            fromfile=f"{path} (committed)",
            tofile=f"{path} (from the code)",
            lineterm="",
        )
    )
    shown = "\n".join(diff[:60]) + ("\n…" if len(diff) > 60 else "")
    return (
        f"{path} is out of date with the code (or missing): run `make openapi` and commit it.\n"
        f"{shown}"
    )
