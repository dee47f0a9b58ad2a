"""ORM models, one module per entity. Importing this package registers every table on
`Base.metadata` (Alembic's autogenerate and the tests rely on it)."""

from api.core.models import Base
from api.models.sirene import (
    CompanyRegistryCacheEntry,
    CompanyRegistryRateSlot,
    SireneEstablishment,
    SireneUnit,
)

__all__ = [
    "Base",
    "CompanyRegistryCacheEntry",
    "CompanyRegistryRateSlot",
    "SireneEstablishment",
    "SireneUnit",
]
