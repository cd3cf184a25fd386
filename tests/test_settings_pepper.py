"""Production refuses a weak API-key pepper (issue 11): the default, or under 32 bytes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from valuecalc_api.settings import DEV_KEY_PEPPER, Settings


@pytest.mark.parametrize("pepper", ["x", "a" * 31, DEV_KEY_PEPPER])
def test_production_refuses_a_short_or_default_pepper(pepper: str) -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        Settings(_env_file=None, environment="production", key_pepper=pepper)


def test_production_accepts_a_32_byte_pepper() -> None:
    settings = Settings(_env_file=None, environment="production", key_pepper="k" * 32)
    assert settings.key_pepper.get_secret_value() == "k" * 32


def test_development_keeps_its_default_pepper() -> None:
    assert Settings(_env_file=None).key_pepper.get_secret_value() == DEV_KEY_PEPPER
