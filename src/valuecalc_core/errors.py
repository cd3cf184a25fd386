"""The core's error types: each carries a stable machine `code` and a sentence a person can act on."""

from __future__ import annotations


class CoreError(ValueError):
    """Base of every error the core raises on bad input.

    `code` is stable and machine-readable (the API maps it to a problem type);
    `str(error)` is a sentence for a non-programmer.
    """

    code: str = "invalid_input"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])
