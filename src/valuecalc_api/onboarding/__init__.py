"""Onboarding milestones and time to onboard / time to first value (SPEC 5)."""
