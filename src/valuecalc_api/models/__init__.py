"""ORM classes, one module per aggregate. Importing this package registers every table
on `Base.metadata` (Alembic's env.py and the tests rely on it)."""

from valuecalc_api.models.base import Base
from valuecalc_api.models.organization import ApiKey, Organization, Role

__all__ = ["ApiKey", "Base", "Organization", "Role"]
