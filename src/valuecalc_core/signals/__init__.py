"""Customer signals (SPEC 5): surveys, engagement, goals, onboarding and usage.

Pure functions over frozen dataclasses; every ratio and score is an exact Decimal, every
score names its definition and carries the counts it came from. "Today" and "as of" are
arguments; day boundaries (the organization's time zone) are applied by the caller, which
hands in calendar dates.
"""
