"""valuecalc's calculation core: pure functions over frozen dataclasses.

Standard library and `decimal` only: no I/O, clock, randomness, environment or
framework imports. "Now" and "as of" are always arguments (CONVENTIONS.md).
"""
