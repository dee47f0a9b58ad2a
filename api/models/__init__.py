"""ORM models, one module per entity. Importing this package registers every table on
`Base.metadata` (Alembic's autogenerate and the tests rely on it)."""

from api.core.models import Base

__all__ = ["Base"]
