"""`ExactNumeric`: PostgreSQL NUMERIC read back exactly as it was written.

asyncpg decodes NUMERIC from the binary protocol in base-10000 groups, so a stored
`10000` comes back as `Decimal('1E+4')`: equal in value, but written "1E+4" in JSON.
This type turns such positive exponents back into plain digits (`Decimal('10000')`);
values with decimals (`10000.00`) already keep their scale.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def plain_decimal(value: Decimal) -> Decimal:
    """The same number without a positive exponent: 1E+4 -> 10000 (others unchanged)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return Decimal(format(value, "f"))
    return value


class ExactNumeric(TypeDecorator[Decimal]):
    """Unconstrained NUMERIC whose values read back in plain notation."""

    impl = Numeric
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(asdecimal=True)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        assert isinstance(value, Decimal)
        return plain_decimal(value)
